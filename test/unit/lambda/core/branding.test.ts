// The branding document: field rules, logos judged by their bytes (PNG, JPEG, GIF, WebP; SVG and anything else
// refused), the 200 KB limit, colours that can only be colours, unknown keys refused by path, default merged with a
// profile's own fields, and the data URI rebuilt from the bytes.
import { crc32, deflateSync } from 'node:zlib';
import { imageTypeOf, MAX_LOGO_BYTES, parseBranding, type BrandingOptions } from '../../../../lambda/core/branding';
import { ConfigError } from '../../../../lambda/core/errors';

// ---- Real images ------------------------------------------------------------------------------------------------

/** A PNG chunk: length, type, data, CRC-32 of type and data (PNG spec, 5.3). */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, crc]);
}
/**
 * A 1x1 RGB PNG of one colour, built from the spec: signature, IHDR, IDAT (zlib of one filtered scanline), IEND.
 * `padTo` adds a private ancillary chunk (decoders skip it) so the file is exactly that many bytes.
 */
function png(rgb: [number, number, number] = [0xc2, 0x18, 0x5b], padTo?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, ...rgb]))),
  ];
  const size = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padTo !== undefined) parts.push(chunk('prIv', Buffer.alloc(padTo - size - 12, 0x55)));
  return Buffer.concat([...parts, chunk('IEND', Buffer.alloc(0))]);
}

// Written by Chromium's own encoders (a canvas' toDataURL; the JPEG's ICC profile segment removed) and by hand for
// the GIF and WebP, each checked to decode in Chromium (naturalWidth > 0) when they were written down here.
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xe' +
    'XBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAC' +
    'AAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAgb/xAAU' +
    'EQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCQASmf/9k=',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const WEBP = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
    '<script>alert(1)</script><image href="https://tracker.example/pixel.png"/></svg>',
);

const dataUri = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;
const SOURCE = 'branding.json';

/** Parses with logo files served from `files` (name → bytes), as the local loader would. */
function parse(document: unknown, files: Record<string, Buffer> = {}, options: Partial<BrandingOptions> = {}) {
  return parseBranding(document, {
    source: SOURCE,
    readLogo: (name) => {
      if (!(name in files)) throw new Error(`there is no file /brand/${name}`);
      return files[name];
    },
    ...options,
  });
}
/** The ConfigError a document is refused with. */
function refusal(document: unknown, files: Record<string, Buffer> = {}, options: Partial<BrandingOptions> = {}) {
  try {
    parse(document, files, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the document was accepted');
}
const logoOf = (logo: string, files: Record<string, Buffer> = {}) =>
  parse({ profiles: { acme: { logo } } }, files).forProfile('acme').logo;

describe('the test images', () => {
  it('the hand-built PNG is what the spec says: signature, IHDR 1x1 RGB, IEND with its fixed CRC', () => {
    const image = png();
    expect(image.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(image.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([image.readUInt32BE(16), image.readUInt32BE(20), image[24], image[25]]).toEqual([1, 1, 8, 2]);
    // IEND's CRC is the same in every PNG: AE 42 60 82.
    expect(image.subarray(-8).toString('hex')).toBe('49454e44ae426082');
    expect(png(undefined, MAX_LOGO_BYTES + 1)).toHaveLength(MAX_LOGO_BYTES + 1);
  });
});

describe('logos', () => {
  it.each([
    ['image/png', png()],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/webp', WEBP],
  ])('%s is recognised by its bytes, from a file or a data URI, and rebuilt as a data URI', (type, bytes) => {
    expect(imageTypeOf(bytes)).toBe(type);
    const expected = { dataUri: dataUri(type, bytes), mediaType: type, bytes: bytes.length };
    expect(logoOf('logo.bin', { 'logo.bin': bytes })).toEqual(expected);
    expect(logoOf(dataUri(type, bytes))).toEqual(expected);
  });

  it('a data URI is rebuilt from its bytes, never passed through', () => {
    const bytes = png([0, 0, 0]);
    const wrapped = bytes
      .toString('base64')
      .replace(/(.{20})/g, '$1\n ')
      .trim();
    const given = `DATA:Image/PNG;base64,${wrapped}`;
    const logo = logoOf(given)!;
    expect(logo.dataUri).not.toBe(given);
    expect(logo.dataUri).toBe(`data:image/png;base64,${bytes.toString('base64')}`);
    // A JPEG declared with the common alias is accepted, and said as image/jpeg.
    expect(logoOf(dataUri('image/jpg', JPEG))!.dataUri).toBe(dataUri('image/jpeg', JPEG));
  });

  it('SVG is refused, by content or by declared type, and the message says why', () => {
    const fromFile = refusal({ profiles: { acme: { logo: 'logo.svg' } } }, { 'logo.svg': SVG });
    expect(fromFile.message).toMatch(/^branding\.json: profiles\.acme\.logo \("logo\.svg"\) is an SVG image/);
    expect(fromFile.message).toContain('SVG can carry scripts and references to outside files');
    expect(fromFile.hint).toContain('Export the logo as PNG');
    // Named .png, still SVG inside.
    expect(refusal({ profiles: { acme: { logo: 'logo.png' } } }, { 'logo.png': SVG }).message).toContain(
      'is an SVG image',
    );
    expect(refusal({ default: { logo: dataUri('image/svg+xml', SVG) } }).message).toMatch(
      /^branding\.json: default\.logo is an SVG image/,
    );
    expect(refusal({ default: { logo: dataUri('image/svg+xml', Buffer.from('not svg')) } }).message).toContain(
      'is an SVG image',
    );
  });

  it('a text file named .png is refused: the content decides, not the name', () => {
    const error = refusal({ profiles: { acme: { logo: 'logos/acme.png' } } }, { 'logos/acme.png': Buffer.from('hi') });
    expect(error.message).toBe(
      'branding.json: profiles.acme.logo ("logos/acme.png") is not a PNG, JPEG, GIF or WebP image: ' +
        'its content decides, not its name or declared type.',
    );
    // The magic number alone is not enough for a PNG: its first chunk must be IHDR.
    expect(imageTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]))).toBeUndefined();
    expect(refusal({ default: { logo: dataUri('image/png', Buffer.alloc(0)) } }).message).toContain('(it is empty)');
  });

  it('200 KB is the limit: one byte more is refused and the size is said', () => {
    const limit = png(undefined, MAX_LOGO_BYTES);
    expect(logoOf('ok.png', { 'ok.png': limit })!.bytes).toBe(204_800);
    expect(logoOf(dataUri('image/png', limit))!.bytes).toBe(204_800);
    const over = png(undefined, MAX_LOGO_BYTES + 1);
    const fromFile = refusal({ profiles: { acme: { logo: 'big.png' } } }, { 'big.png': over });
    expect(fromFile.message).toBe(
      'branding.json: profiles.acme.logo ("big.png") is 204,801 bytes; a logo may be at most 204,800 bytes (200 KB).',
    );
    expect(fromFile.hint).toMatch(/Scale the logo down/);
    expect(refusal({ profiles: { acme: { logo: dataUri('image/png', over) } } }).message).toContain(
      'profiles.acme.logo is 204,801 bytes',
    );
  });

  it('a declared type that differs from the bytes is refused', () => {
    const error = refusal({ profiles: { acme: { logo: dataUri('image/png', JPEG) } } });
    expect(error.message).toBe(
      'branding.json: profiles.acme.logo is declared image/png, but its bytes are a JPEG image (image/jpeg).',
    );
    expect(error.hint).toContain('data:image/jpeg;base64,');
    expect(refusal({ default: { logo: dataUri('image/gif', WEBP) } }).message).toContain('a WebP image');
  });

  it('file paths only where a reader is given; no web address, no malformed data URI, no bad base64', () => {
    const noReader = refusal({ default: { logo: 'logo.png' } }, {}, { readLogo: undefined });
    expect(noReader.message).toContain(
      'default.logo is a file path (got "logo.png"), but logos must be data: URIs here',
    );
    // The same document with data: URIs is fine without a reader (the deployed side).
    expect(
      parseBranding({ default: { logo: dataUri('image/gif', GIF) } }, { source: 's3' }).forProfile('x').logo,
    ).toMatchObject({ mediaType: 'image/gif' });
    expect(refusal({ default: { logo: 'missing.png' } }).message).toBe(
      'branding.json: default.logo names a logo file that cannot be read: there is no file /brand/missing.png.',
    );
    expect(refusal({ default: { logo: 'https://cdn.example/logo.png' } }).message).toContain(
      'is a web address (got "https://cdn.example/logo.png"): a logo is embedded in the report, never fetched',
    );
    expect(refusal({ default: { logo: `data:image/png,${png().toString('base64')}` } }).message).toContain(
      'a data URI of the form data:<type>;base64,<data>',
    );
    expect(refusal({ default: { logo: 'data:image/png;base64,iVBO*w0K' } }).message).toContain('not valid base64');
  });
});

describe('fields', () => {
  it.each(['blue', '#12345', 'red;}body{display:none', 'rgb(0,0,0)', '#1a7f37;', '#ggg', '1a7f37', 'var(--x)'])(
    'the colour %j is refused, naming the source and the path',
    (accent) => {
      const error = refusal({ profiles: { acme: { accent } } });
      expect(error.message).toBe(
        `branding.json: profiles.acme.accent must be a colour such as #1a7f37 or #c00 (got ${JSON.stringify(accent)}).`,
      );
    },
  );

  it('a colour is normalised to #rrggbb in lower case', () => {
    const branding = parse({ profiles: { a: { accent: '#C00' }, b: { accent: ' #1A7F37 ' } } });
    expect(branding.forProfile('a').accent).toBe('#cc0000');
    expect(branding.forProfile('b').accent).toBe('#1a7f37');
  });

  it('display name: 1 to 100 characters after trim, no control characters', () => {
    expect(parse({ profiles: { a: { displayName: '  Acme  Corp ' } } }).forProfile('a').displayName).toBe('Acme  Corp');
    expect(parse({ profiles: { a: { displayName: '🙂'.repeat(100) } } }).forProfile('a').displayName).toHaveLength(200);
    expect(refusal({ profiles: { a: { displayName: '   ' } } }).message).toBe(
      'branding.json: profiles.a.displayName must not be empty (got "   ").',
    );
    expect(refusal({ profiles: { a: { displayName: 'x'.repeat(101) } } }).message).toContain(
      'profiles.a.displayName must be at most 100 characters',
    );
    for (const bad of ['Acme\nCorp', 'Acme\u0007', 'Acme \u202eproC'])
      expect(refusal({ profiles: { a: { displayName: bad } } }).message).toContain(
        'profiles.a.displayName must not contain control characters',
      );
    expect(refusal({ profiles: { a: { displayName: 7 } } }).message).toBe(
      'branding.json: profiles.a.displayName must be a string (got a number).',
    );
  });

  it('footer: up to 200 characters, no control characters; an empty one removes the default footer', () => {
    expect(refusal({ default: { footer: 'x'.repeat(201) } }).message).toContain(
      'default.footer must be at most 200 characters',
    );
    expect(refusal({ default: { footer: 'a\tb' } }).message).toContain('default.footer must not contain control');
    const branding = parse({ default: { footer: 'Prepared by Example Agency' }, profiles: { quiet: { footer: '' } } });
    expect(branding.forProfile('quiet')).toEqual({});
    expect(branding.forProfile('other')).toEqual({ footer: 'Prepared by Example Agency' });
  });

  it('profile names are 1 to 100 characters', () => {
    expect(parse({ profiles: { ['p'.repeat(100)]: { footer: 'f' } } }).profileNames).toEqual(['p'.repeat(100)]);
    expect(refusal({ profiles: { ['p'.repeat(101)]: {} } }).message).toContain(
      `profiles.${'p'.repeat(101)} is not a profile name: names are 1 to 100 characters`,
    );
    expect(refusal({ profiles: { '': {} } }).message).toContain('profiles[""] is not a profile name');
    expect(refusal({ profiles: { ' acme': {} } }).message).toContain('profiles[" acme"] is not a profile name');
  });
});

describe('the document', () => {
  it('unknown keys are refused by their path, a typo never ignored', () => {
    const error = refusal({
      defaults: {},
      default: { colour: '#fff' },
      profiles: { acme: { displayname: 'Acme' }, 'my brand': { logos: 'x' } },
    });
    expect(error.message).toBe(
      'branding.json: default.colour is not a known field (known: displayName, logo, accent, footer); ' +
        'profiles.acme.displayname is not a known field (known: displayName, logo, accent, footer); ' +
        'profiles["my brand"].logos is not a known field (known: displayName, logo, accent, footer); ' +
        'defaults is not a known field (known: "default" and "profiles").',
    );
    expect(error.hint).toContain('docs/CLIENT-REPORTS.md');
  });

  it('must be an object of objects', () => {
    expect(refusal([]).message).toBe(
      'branding.json: the document must be a JSON object with "default" and/or "profiles" (got a list).',
    );
    expect(refusal({ profiles: [] }).message).toContain('profiles must be an object with one entry per profile name');
    expect(refusal({ profiles: { acme: 'Acme' } }).message).toContain('profiles.acme must be an object such as');
  });

  it('default applies to every profile, and a profile’s own entry wins field by field', () => {
    const branding = parse(
      {
        default: { footer: 'Prepared by Example Agency', accent: '#1a7f37', logo: 'agency.gif' },
        profiles: {
          acme: { displayName: 'Acme Corp', logo: 'logos/acme.png', accent: '#c2185b' },
          globex: { footer: 'Globex, monthly' },
        },
      },
      { 'agency.gif': GIF, 'logos/acme.png': png() },
    );
    expect(branding.profileNames).toEqual(['acme', 'globex']);
    expect(branding.forProfile('acme')).toEqual({
      displayName: 'Acme Corp',
      logo: { dataUri: dataUri('image/png', png()), mediaType: 'image/png', bytes: png().length },
      accent: '#c2185b',
      footer: 'Prepared by Example Agency',
    });
    expect(branding.forProfile('globex')).toEqual({
      logo: expect.objectContaining({ mediaType: 'image/gif' }),
      accent: '#1a7f37',
      footer: 'Globex, monthly',
    });
    expect(branding.forProfile('unlisted')).toEqual({
      logo: expect.objectContaining({ mediaType: 'image/gif' }),
      accent: '#1a7f37',
      footer: 'Prepared by Example Agency',
    });
    // A caller changing its copy changes nothing for the next.
    branding.forProfile('acme').displayName = 'changed';
    expect(branding.forProfile('acme').displayName).toBe('Acme Corp');
    expect(parse({}).forProfile('acme')).toEqual({});
  });

  it('several problems are said together, up to five', () => {
    const error = refusal({ profiles: { a: { accent: 'blue', footer: 1 }, b: { displayName: '' } } });
    expect(error.message.split('; ')).toHaveLength(3);
  });
});
