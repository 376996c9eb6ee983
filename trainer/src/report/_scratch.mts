import { chromium } from 'playwright-core';
const [file, prefix] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto('file://' + file);
const h = await page.evaluate(() => document.body.scrollHeight);
console.log('height', h);
for (let y = 0, i = 0; y < h; y += 1400, i++) {
  await page.screenshot({
    path: `${prefix}-${i}.png`,
    fullPage: true,
    clip: { x: 0, y, width: 1280, height: Math.min(1400, h - y) },
  });
}
await browser.close();
