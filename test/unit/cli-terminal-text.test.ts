import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { renderTable } from '../../src/cli/render/table.js';
import { terminalText } from '../../src/cli/render/terminal-text.js';

describe('terminalText', () => {
  it('escapes C0 (but newline and tab), DEL, C1 and bidi overrides', () => {
    expect(terminalText('a\u001b[2Jb\u0007c\rd\u007fe\u009bf\u202eg\u2066h')).toBe('a\\x1b[2Jb\\x07c\\x0dd\\x7fe\\x9bf\\u202eg\\u2066h');
    expect(terminalText('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('keeps colour (SGR) sequences only when asked, and escapes every other sequence then too', () => {
    const red = new Chalk({ level: 1 }).red('ok');
    expect(terminalText(`${red} \u001b]0;title\u0007 \u001b[2J`, true)).toBe(`${red} \\x1b]0;title\\x07 \\x1b[2J`);
    expect(terminalText(red)).toBe('\\x1b[31mok\\x1b[39m');
  });

  it('renderTable escapes cells and keeps the palette colours', async () => {
    const style = new Chalk({ level: 1 });
    const out = await renderTable({ head: ['A', 'B'], rows: [[style.green('fine'), 'evil\u001b[2J']], style });
    expect(out).toContain(style.green('fine'));
    expect(out).toContain('evil\\x1b[2J');
    expect(out).not.toContain('\u001b[2J');
  });
});
