// The HTML report printed to PDF by headless Chromium (lambda/render/chromium.ts): vector text and SVG charts, A4 or Letter.
// The report is self-contained, so rendering asks the network for nothing: every request but a data: URL is aborted,
// and scripts are off (a post's text can never run as code, even if a page let it through unescaped).
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './chromium';

export const PAPERS = ['a4', 'letter'] as const;
export type Paper = (typeof PAPERS)[number];
const FORMATS: Record<Paper, 'A4' | 'Letter'> = { a4: 'A4', letter: 'Letter' };
/** Room for the printer's unprintable edge; the report's own CSS sets everything inside it. */
const MARGIN = { top: '12mm', right: '10mm', bottom: '12mm', left: '10mm' };
const RENDER_TIMEOUT_MS = 60_000;

export interface PdfOptions {
  /** The paper size; it wins over any CSS @page size in the document. */
  paper: Paper;
  /** A running browser to render in (a fresh context of it is used and closed); without one, one is launched and closed. */
  browser?: Browser;
  /** How long loading and printing may take, in ms (default 60 s); launching the browser has its own 30 s. */
  timeoutMs?: number;
}

export interface RenderedPdf {
  pdf: Buffer;
  /** Pages in the PDF. */
  pages: number;
  /** Wall time of the whole render, launching the browser included when it was launched here. */
  ms: number;
  /** The outside resources the document referred to and that were not loaded (empty for the tracker's report). */
  blocked: string[];
}

export class PdfRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

/**
 * The pages of a PDF as Chromium writes it: its page objects, one `/Type /Page` each (the page tree's own nodes are
 * `/Type /Pages`). Chromium (Skia) does not compress object dictionaries, so they can be read as text.
 */
export function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
}

const tooSlow = (timeoutMs: number, html: string, cause?: unknown) =>
  new PdfRenderError(
    `Rendering the PDF took longer than ${timeoutMs / 1000} s (${html.length} characters of HTML): ` +
      'the report may be too large for one PDF; narrow it with --days, --profile or --platform.',
    { cause },
  );

/**
 * Prints a self-contained HTML document (inline CSS, inline SVG, data: images) to PDF. Throws a ChromiumError
 * (lambda/render/chromium.ts) when there is no Chromium or it does not start, and a PdfRenderError when rendering fails or
 * takes longer than the timeout.
 */
export async function renderPdf(html: string, options: PdfOptions): Promise<RenderedPdf> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? RENDER_TIMEOUT_MS;
  const browser = options.browser ?? (await launchChromium());
  let context: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const blocked: string[] = [];
  const render = async () => {
    // No script: the report needs none. No service worker, no download: nothing may outlive the page.
    const opened = await browser.newContext({
      javaScriptEnabled: false,
      serviceWorkers: 'block',
      acceptDownloads: false,
    });
    // Opened after the timeout (a wedged browser): the finally below has already run, so close it here.
    if (expired) return opened.close().then(() => Promise.reject(tooSlow(timeoutMs, html)));
    context = opened;
    // The document itself comes from setContent (about:blank), not from a request, so every request is an outside
    // one (stylesheet, image, font, frame, redirect): only data: URLs are served.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    return page.pdf({ format: FORMATS[options.paper], printBackground: true, margin: MARGIN });
  };
  try {
    // page.pdf has no timeout of its own: a race bounds the whole render, and closing the context in finally stops it.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(tooSlow(timeoutMs, html));
      }, timeoutMs);
    });
    const rendering = render();
    // After a timeout the render fails too (its context is closed): that second failure is expected, not unhandled.
    rendering.catch(() => undefined);
    const pdf = await Promise.race([rendering, timedOut]);
    return { pdf, pages: countPdfPages(pdf), ms: Math.round(performance.now() - started), blocked };
  } catch (error) {
    if (error instanceof PdfRenderError) throw error;
    if ((error as Error).name === 'TimeoutError') throw tooSlow(timeoutMs, html, error);
    throw new PdfRenderError(`Chromium could not render the PDF: ${(error as Error).message.trim().split('\n')[0]}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    await context?.close().catch(() => undefined);
    if (!options.browser) await browser.close().catch(() => undefined);
  }
}
