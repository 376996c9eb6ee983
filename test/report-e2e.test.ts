// End to end: generate a small synthetic data set, train with the real CLI, evaluate with baselines, write the
// report, then open it from disk in headless Chromium: no console errors, no request leaving file://, every
// chart present and non-empty, hover titles on the embedding maps, and a screenshot in test-artifacts/.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'trainer/bin/marquee.js');
const CHROMIUM = process.env['MARQUEE_CHROMIUM'] ?? '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'test-artifacts/report.png');

async function marquee(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
  return stdout;
}

describe('marquee report, end to end', () => {
  let work = '';
  let reportDir = '';
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `headless Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) ` +
          'or set MARQUEE_CHROMIUM to its path',
      );
    }
    work = await mkdtemp(join(tmpdir(), 'marquee-report-e2e-'));
    const data = join(work, 'data');
    const runDir = join(work, 'run');
    reportDir = join(work, 'report');
    await marquee(
      'generate',
      '--preset',
      'small',
      '--users',
      '300',
      '--movies',
      '150',
      '--density',
      '0.2',
      '--out',
      data,
    );
    await marquee(
      'train',
      '--data',
      data,
      '--out',
      runDir,
      '--epochs',
      '3',
      '--dim',
      '16',
      '--hidden',
      '32,16',
    );
    await marquee('evaluate', '--run', runDir, '--baselines');
    const out = await marquee('report', '--run', runDir, '--out', reportDir);
    expect(out).toMatch(/report written to .*index\.html/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('loads offline without errors and shows every chart', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const offsite: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const index = join(reportDir, 'index.html');
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });

    const files = (await readdir(join(reportDir, 'figures'))).filter((f) => f.endsWith('.svg'));
    const figures = await page.$$eval('figure.chart', (els) =>
      els.map((el) => {
        const svg = el.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: el.getAttribute('data-figure') ?? '',
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: svg?.querySelectorAll('.role-mark > *').length ?? 0,
        };
      }),
    );
    expect(figures.map((f) => `${f.id}.svg`).sort()).toEqual(files.sort());
    for (const id of [
      'training-loss',
      'validation-error',
      'learning-rate',
      'predicted-vs-actual',
      'residuals',
      'error-by-rating',
      'error-by-user-activity',
      'error-by-movie-popularity',
      'user-biases',
      'movie-biases',
      'variance-shares',
      'movie-map-pca',
      'movie-map-umap',
      'segments-silhouette',
      'segments-map',
    ]) {
      expect(figures.map((f) => f.id)).toContain(id);
    }
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(50);
      expect(f.marks, f.id).toBeGreaterThan(0);
    }
    // Titles on hover: one <title> per movie drawn on the maps (all 150 movies are rated in training).
    const titles = await page.$$eval('#fig-movie-map-umap svg title', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    expect(titles).toHaveLength(150);
    expect(titles.every((t) => / · \d+ ratings$/.test(t))).toBe(true);

    // Tables: the model and the baselines evaluated above; example recommendations with explanations.
    const models = await page.$$eval('#comparison tbody tr td:first-child', (els) =>
      els.map((e) => e.textContent),
    );
    expect(models).toEqual(expect.arrayContaining(['model', 'global-mean', 'mf']));
    expect(await page.locator('.user-example').count()).toBe(3);
    expect(await page.locator('#biases table').count()).toBeGreaterThanOrEqual(3);

    expect(problems).toEqual([]);
    expect(offsite).toEqual([]);
    await mkdir(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
