// Help texts built from the command table: the list of all commands, and one command's usage.
import { OPTION_HELP } from './args.js';
import { COMMANDS, type Command } from './commands.js';

const FOOTER = `Environment: DATA_DIR (default ./data) or DATABASE_URL, NODE_ENV; DIRECTORY_TOKEN for cert upload. See README.md.
Exit codes: 0 done, 1 failed (nothing was changed), 2 usage error.`;

function listing(c: Command): string[] {
  if (!c.synopsis && c.summary.length === 1) return [`  ${c.name.padEnd(21)}${c.summary[0]}`];
  return [`  ${c.name} ${c.synopsis}`, ...c.summary.map((line) => `      ${line}`)];
}

/** Printed for --help, without a command and after a usage error. */
export function globalHelp(): string {
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:', ...COMMANDS.flatMap(listing), '', FOOTER].join('\n');
}

/** Printed for `<command> --help`. */
export function commandHelp(c: Command): string {
  const rows = [...c.options, 'help' as const].map((name) => {
    const { value, text } = OPTION_HELP[name];
    const flag = name === 'help' ? '-h, --help' : `--${name}${value ? ` ${value}` : ''}`;
    return { flag, text: c.optionHelp?.[name] ?? text };
  });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 2;
  const options = rows.map((r) => `  ${r.flag.padEnd(width)}${r.text}`);
  return [
    `Usage: npm run cli -- ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`,
    '',
    ...c.summary,
    '',
    'Options:',
    ...options,
    '',
    FOOTER,
  ].join('\n');
}
