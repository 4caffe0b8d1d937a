import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { decodeHotlineCall, decodeInstoreTicket, type ChannelDecodeResult } from '@app/contracts';
import {
  EXAMPLES_DIR,
  PUBLISHED_CHANNEL_SCHEMAS,
  SCHEMAS_DIR,
  exampleFilePrefix,
  renderChannelSchemas,
  schemaFileName,
} from './render-channel-schemas';

const ROOT = path.resolve(__dirname, '..');

function committed(relativePath: string): string {
  return readFileSync(path.join(ROOT, relativePath), 'utf8');
}

const DECODERS: Record<string, (bytes: Buffer) => ChannelDecodeResult<unknown>> = {
  'hotline-call': decodeHotlineCall,
  'instore-ticket': decodeInstoreTicket,
};

describe('published channel schemas', () => {
  const rendered = renderChannelSchemas();

  it.each(rendered.map((file) => [file.path, file.content]))(
    '%s is what scripts/render-channel-schemas.ts renders',
    (file, content) => {
      expect(committed(file)).toBe(content);
    },
  );

  it('publishes no example that the code no longer has', () => {
    const prefixes = PUBLISHED_CHANNEL_SCHEMAS.map(exampleFilePrefix);
    const published = readdirSync(path.join(ROOT, EXAMPLES_DIR)).filter((name) =>
      prefixes.some((prefix) => name.startsWith(prefix)),
    );
    expect(published.sort()).toEqual(
      rendered
        .filter((file) => path.dirname(file.path) === EXAMPLES_DIR)
        .map((file) => path.basename(file.path))
        .sort(),
    );
  });

  describe.each(PUBLISHED_CHANNEL_SCHEMAS.map((published) => [published.name, published] as const))(
    '%s',
    (name, published) => {
      // The committed file read by a plain JSON Schema validator, as a channel system's team would.
      const validate = addFormats(new Ajv({ allErrors: true, strictRequired: false })).compile(
        JSON.parse(committed(path.join(SCHEMAS_DIR, schemaFileName(published)))) as object,
      );
      const examples = readdirSync(path.join(ROOT, EXAMPLES_DIR)).filter((file) =>
        file.startsWith(exampleFilePrefix(published)),
      );

      it('has two or more examples', () => {
        expect(examples.length).toBeGreaterThanOrEqual(2);
      });

      it.each(examples)('example %s validates against the published schema and decodes', (file) => {
        const text = committed(path.join(EXAMPLES_DIR, file));
        expect(validate(JSON.parse(text))).toBe(true);
        expect(validate.errors ?? null).toBeNull();
        const decode = DECODERS[name];
        expect(decode).toBeDefined();
        expect(decode?.(Buffer.from(text, 'utf8'))).toMatchObject({ ok: true });
      });

      it('refuses what the decoder refuses as invalid', () => {
        expect(validate({ schemaVersion: published.version })).toBe(false);
        expect(validate({ ...Object.values(published.examples)[0] as object, unexpected: true })).toBe(false);
      });
    },
  );
});
