import { resolve } from 'node:path';
import PDFDocument from 'pdfkit';

// PDFs with Japanese text: a Noto Sans JP subset is embedded (see app/assets/fonts/README.md),
// and pdfkit keeps only the glyphs a document uses.
const FONTS = resolve(process.cwd(), 'app/assets/fonts');
export const REGULAR = 'jp';
export const BOLD = 'jp-bold';

export function renderPdf(
  build: (doc: PDFKit.PDFDocument) => void,
  info: { title: string; author?: string },
): Promise<Buffer> {
  return new Promise((done, fail) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: info.title, Author: info.author ?? '', Producer: 'banso-network' },
      lang: 'ja',
      displayTitle: true,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => done(Buffer.concat(chunks)));
    doc.on('error', fail);
    doc.registerFont(REGULAR, resolve(FONTS, 'NotoSansJP-Regular-subset.otf'));
    doc.registerFont(BOLD, resolve(FONTS, 'NotoSansJP-Bold-subset.otf'));
    doc.font(REGULAR);
    try {
      build(doc);
      doc.end();
    } catch (e) {
      fail(e);
    }
  });
}
