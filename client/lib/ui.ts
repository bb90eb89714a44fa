// Shared Tailwind class strings: one look for inputs and buttons, 44 px touch targets.
export const inputClass =
  'min-h-11 rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
export const primaryButtonClass =
  'min-h-11 rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white hover:bg-teal-800 focus:outline-none focus:ring-2 focus:ring-teal-600/50 disabled:opacity-60';
export const secondaryButtonClass =
  'min-h-11 rounded-lg border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800';
