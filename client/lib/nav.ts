// The app's main navigation, in ONE list: the header (desktop) and the bottom tab bar (mobile)
// both render it, so a screen added by anyone appears in both.

/** One destination of the main navigation. */
export interface NavItem {
  href: string;
  label: string;
  /** A short glyph for the tab bar (decorative: the label is what is announced). */
  icon: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Today', icon: '◉' },
  { href: '/plan', label: 'Plan', icon: '▦' },
  { href: '/goals', label: 'Goals', icon: '⚑' },
  { href: '/activities', label: 'Activities', icon: '↯' },
  { href: '/coach', label: 'Coach', icon: '✉' },
  { href: '/fitness', label: 'Fitness', icon: '∿' },
  { href: '/journal', label: 'Journal', icon: '✎' },
  { href: '/settings', label: 'Settings', icon: '⚙' },
];

/** True when `pathname` is inside the section of `href` ("/" only matches itself). */
export function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
