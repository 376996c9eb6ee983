// The import boundaries of the design are mechanical: this checks the lint rule really rejects a crossing.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

/** Messages of both import rules: the core one (areas) and typescript-eslint's (tooling). */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter(
      (m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports',
    )
    .map((m) => m.message);
}

describe('import boundaries', () => {
  it('forbids edge/ importing trainer/', async () => {
    const messages = await restrictedImports(
      'edge/src/routes/boundary-probe.ts',
      "import { x } from '../../../trainer/src/data/types.ts';\nexport const y = x;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/edge\/ is the Worker/);
  });

  it('forbids shared/ importing trainer/, edge/ or Node built-ins', async () => {
    const messages = await restrictedImports(
      'shared/src/kernels/boundary-probe.ts',
      [
        "import { a } from '../../../trainer/src/data/types.ts';",
        "import { b } from '../../../edge/src/index.ts';",
        "import { readFile } from 'node:fs/promises';",
        'export const c = [a, b, readFile];',
        '',
      ].join('\n'),
    );
    expect(messages).toHaveLength(3);
  });

  it('allows trainer/ to import shared/', async () => {
    const messages = await restrictedImports(
      'trainer/src/data/boundary-probe.ts',
      "import { GENRES } from '../../../shared/src/schemas/genres.ts';\nexport const g = GENRES;\n",
    );
    expect(messages).toEqual([]);
  });

  it('forbids importing test/ outside test files', async () => {
    const probe = (from: string) =>
      `import { h } from '${from}test/edge-api.test.ts';\nexport const s = h;\n`;
    for (const [filePath, up] of [
      ['edge/bench/boundary-probe.ts', '../../'],
      ['trainer/bench/boundary-probe.ts', '../../'],
      ['tools/boundary-probe.ts', '../'],
    ] as const) {
      expect(await restrictedImports(filePath, probe(up)), filePath).toEqual([
        expect.stringMatching(/only test files import it/),
      ]);
    }
    expect(await restrictedImports('trainer/src/train/boundary-probe.test.ts', probe('../../../'))).toEqual(
      [],
    );
  });

  it('forbids src/ importing tools/ except from its tests', async () => {
    const probe = (from: string) =>
      `import { r } from '${from}tools/random-weights.ts';\nexport const w = r;\n`;
    expect(await restrictedImports('trainer/src/train/boundary-probe.ts', probe('../../../'))).toEqual([
      expect.stringMatching(/only its tests import tools/),
    ]);
    expect(await restrictedImports('trainer/src/train/boundary-probe.test.ts', probe('../../../'))).toEqual(
      [],
    );
    expect(await restrictedImports('trainer/bench/boundary-probe.ts', probe('../../'))).toEqual([]);
  });

  it('keeps both lists for an edge/src file importing trainer/ and tools/', async () => {
    const messages = await restrictedImports(
      'edge/src/routes/boundary-probe.ts',
      [
        "import { a } from '../../../trainer/src/data/types.ts';",
        "import { b } from '../../../tools/edge-fixtures.ts';",
        'export const c = [a, b];',
        '',
      ].join('\n'),
    );
    expect(messages).toHaveLength(2);
  });
});
