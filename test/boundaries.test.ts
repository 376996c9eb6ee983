// The import boundaries of the design are mechanical: this checks the lint rule really rejects a crossing.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
});
