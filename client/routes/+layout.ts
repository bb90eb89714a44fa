// A single-page app: the phone renders everything from its local data, so no SSR.
export const ssr = false;
export const prerender = false;
