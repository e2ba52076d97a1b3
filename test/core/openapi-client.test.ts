import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCUMENT = path.join(ROOT, 'test/fixtures/openapi.json');
const EXAMPLE = path.join(ROOT, 'test/fixtures/typed-client/example.ts');
/** Where the example imports the generated types from; served from memory, never written. */
const GENERATED = path.join(ROOT, 'test/fixtures/typed-client/openapi.d.ts');

describe('a client typed from the committed OpenAPI document (docs/api.md#a-typed-client)', () => {
  it('openapi-typescript generates its types offline, and an openapi-fetch client type-checks against them, errors typed as the Problem', async () => {
    const doc = JSON.parse(fs.readFileSync(DOCUMENT, 'utf8')) as Parameters<typeof openapiTS>[0];
    const types = astToString(await openapiTS(doc));
    expect(types).toContain('Problem: {');

    const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, ...rest) =>
      path.resolve(file) === GENERATED ? ts.createSourceFile(file, types, language) : getSourceFile(file, language, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => path.resolve(file) === GENERATED || fileExists(file);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (path.resolve(file) === GENERATED ? types : readFile(file));

    const program = ts.createProgram([EXAMPLE], { ...options, noEmit: true, noUnusedLocals: true }, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
