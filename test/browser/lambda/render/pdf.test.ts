// The PDF renderer in headless Chromium, read back with poppler's pdftotext and pdfinfo: vector text (the SVG chart's
// label is text, not pixels), escaped hostile text printed as text, no script run, nothing asked of the network, the
// paper sizes, page breaks, and clear errors.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ChromiumError, launchChromium } from '../../../../lambda/render/chromium';
import { countPdfPages, PdfRenderError, renderPdf } from '../../../../lambda/render/pdf';
import { ARTIFACTS, launchBrowser, SKIP_BROWSER } from '../../../support/browser';
import { poppler as readBack } from '../../../support/poppler';

const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-pdf-'));

const poppler = (tool: 'pdftotext' | 'pdfinfo', pdf: Buffer, name: string) => readBack(tool, pdf, out, name);

/** Chromium processes whose parent is this process: a browser renderPdf launched must be gone after it. */
function chromiumChildren(): number {
  if (process.platform !== 'linux') return 0;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after its last ")".
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [, , ppid] = stat.slice(stat.lastIndexOf(')') + 1).split(' ');
        return Number(ppid) === process.pid && /chrom/i.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      } catch {
        return false;
      }
    }).length;
}

/** An HTTP server that answers everything and records every connection and request: it must see none. */
async function startTrap(): Promise<{
  origin: string;
  hits: string[];
  connections: () => number;
  close(): Promise<void>;
}> {
  const hits: string[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    response.end(request.url?.endsWith('.css') ? 'body { color: red }' : '');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const reportHtml = (origin: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Client report</title>
<link rel="stylesheet" href="${origin}/x.css">
<style>body { font: 14px sans-serif; } .figure { font-size: 28px; font-weight: 700; }</style>
</head><body>
<h1>Client report: Acme Corp</h1>
<p>Followers <span class="figure">12,345</span>, growth <span class="figure">+1,024</span> over 30 days.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160" role="img">
  <polyline points="10,150 100,120 200,90 300,60 390,20" fill="none" stroke="#1f77b4" stroke-width="2"/>
  <text x="200" y="150" text-anchor="middle" font-size="14">Followers of twitter over time</text>
</svg>
<p class="post">&lt;script&gt;document.title='pwned'&lt;/script&gt;</p>
<script>document.body.insertAdjacentText('beforeend', 'SCRIPT RAN'); document.title = 'pwned';</script>
<img src="${origin}/logo.png" alt="logo">
</body></html>`;

const twoSections = `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>section + section { break-before: page; }</style></head>
<body><section><h2>Profile acme</h2><p>First section.</p></section>
<section><h2>Profile globex</h2><p>Second section.</p></section></body></html>`;

let browser: Browser;
let trap: Awaited<ReturnType<typeof startTrap>>;

(SKIP_BROWSER ? describe.skip : describe)('the PDF report', () => {
  beforeAll(async () => {
    trap = await startTrap();
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await trap?.close();
  });

  it('prints vector text on A4: title, figures, the SVG label, hostile text as text; no script, no request', async () => {
    const { pdf, pages, blocked, ms } = await renderPdf(reportHtml(trap.origin), { paper: 'a4', browser });
    writeFileSync(path.join(ARTIFACTS, 'report-a4.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBe(1);
    expect(ms).toBeGreaterThan(0);

    const text = poppler('pdftotext', pdf, 'a4.pdf');
    expect(text).toContain('Client report: Acme Corp');
    expect(text).toContain('12,345');
    expect(text).toContain('+1,024');
    // Text of the SVG: found by pdftotext only if the chart was printed as vectors and text, not as a picture.
    expect(text).toContain('Followers of twitter over time');
    expect(text).toContain(`<script>document.title='pwned'</script>`);
    expect(text).not.toContain('SCRIPT RAN');

    const info = poppler('pdfinfo', pdf, 'a4.pdf');
    expect(info).toMatch(/^Pages:\s+1$/m);
    expect(info).toMatch(/^Page size:\s+595(\.\d+)? x 84[12](\.\d+)? pts/m);
    // The script never ran, so the title is the document's own.
    expect(info).not.toMatch(/^Title:.*pwned/m);

    expect(trap.hits).toEqual([]);
    expect(trap.connections()).toBe(0);
    expect(blocked.sort()).toEqual([`${trap.origin}/logo.png`, `${trap.origin}/x.css`]);
  });

  it('prints on Letter, launching and closing a browser of its own when given none', async () => {
    const before = chromiumChildren();
    const { pdf, pages } = await renderPdf(reportHtml(trap.origin), { paper: 'letter' });
    writeFileSync(path.join(ARTIFACTS, 'report-letter.pdf'), pdf);
    expect(pages).toBe(1);
    expect(poppler('pdfinfo', pdf, 'letter.pdf')).toMatch(/^Page size:\s+612 x 792 pts/m);
    expect(poppler('pdftotext', pdf, 'letter.pdf')).toContain('Client report: Acme Corp');
    expect(chromiumChildren()).toBe(before);
    expect(trap.hits).toEqual([]);
  });

  it('breaks pages where the CSS says, and counts them as pdfinfo does', async () => {
    const { pdf, pages } = await renderPdf(twoSections, { paper: 'a4', browser });
    expect(pages).toBe(2);
    expect(countPdfPages(pdf)).toBe(2);
    expect(poppler('pdfinfo', pdf, 'two.pdf')).toMatch(/^Pages:\s+2$/m);
    const text = poppler('pdftotext', pdf, 'two.pdf');
    // pdftotext ends each page with a form feed: one section a page.
    expect(text.split('\f')[0]).toContain('Profile acme');
    expect(text.split('\f')[1]).toContain('Profile globex');
  });

  it('stops at the timeout and says so', async () => {
    const rendered = renderPdf(reportHtml(trap.origin), { paper: 'a4', browser, timeoutMs: 1 });
    await expect(rendered).rejects.toThrow(PdfRenderError);
    await expect(rendered).rejects.toThrow(
      /^Rendering the PDF took longer than 0\.001 s \(\d+ characters of HTML\): the report may be too large/,
    );
    // The browser is still usable after a render timed out.
    expect((await renderPdf(twoSections, { paper: 'letter', browser })).pages).toBe(2);
  });

  it('names the cause when the browser named by CHROMIUM_PATH does not exist', async () => {
    const launched = launchChromium({ env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    await expect(launched).rejects.toThrow(ChromiumError);
    await expect(launched).rejects.toThrow(/^CHROMIUM_PATH is \/nonexistent\/chromium, which does not exist\./);
    await expect(launched).rejects.toMatchObject({ reason: 'not-found' });
  });
});
