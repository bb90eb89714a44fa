import { chromium } from 'playwright-core';

// Renders the app icons (committed under client/static/icons) from one SVG with Debian's
// Chromium. Run again after changing the design: npx tsx scripts/make-icons.ts

const mark = (scale: number) => `
  <g transform="translate(256 256) scale(${scale}) translate(-256 -256)" fill="none" stroke="#fff" stroke-linecap="round" stroke-linejoin="round">
    <circle cx="300" cy="120" r="34" fill="#fff" stroke="none"/>
    <path d="M196 214 L270 186 L318 236 L374 250" stroke-width="34"/>
    <path d="M270 186 L238 290 L300 330 L286 420" stroke-width="34"/>
    <path d="M238 290 L180 356 L116 344" stroke-width="34"/>
    <path d="M96 436 H416" stroke-width="18" opacity="0.7"/>
  </g>`;

const icons = [
  {
    file: 'icon-192.png',
    size: 192,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="112" fill="#0f766e"/>${mark(0.9)}</svg>`,
  },
  {
    file: 'icon-512.png',
    size: 512,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="112" fill="#0f766e"/>${mark(0.9)}</svg>`,
  },
  // Maskable: full-bleed background, the mark inside the 80 % safe circle.
  {
    file: 'maskable-512.png',
    size: 512,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="#0f766e"/>${mark(0.66)}</svg>`,
  },
  {
    file: 'apple-touch-icon.png',
    size: 180,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="#0f766e"/>${mark(0.8)}</svg>`,
  },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const icon of icons) {
  const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
  await page.setContent(`<html><body style="margin:0">${icon.svg.replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `)}</body></html>`);
  await page.screenshot({ path: `client/static/icons/${icon.file}`, omitBackground: true });
  await page.close();
}
await browser.close();
console.log(`wrote ${icons.length} icons to client/static/icons/`);
