import type { CommandModule } from 'yargs';
import type { StrataCommand } from '../plumbing/cli/index.js';

/** `strata help [porcelain|persona|plumbing]`: the command list, grouped by layer. */
export function helpCommand(commands: StrataCommand[]): CommandModule {
  return {
    command: 'help [topic]',
    describe: 'List commands: `strata help plumbing` for the low-level commands scripts build on',
    builder: (y) => y.positional('topic', { type: 'string', choices: ['plumbing', 'porcelain', 'persona'] }),
    handler: (argv) => {
      const topic = argv.topic as string | undefined;
      const groups = topic ? [topic] : ['porcelain', 'persona', 'plumbing'];
      const lines: string[] = [];
      for (const group of groups) {
        const list = commands.filter((c) => c.group === group);
        if (list.length === 0) continue;
        const headings: Record<string, string> = {
          porcelain: 'Commands:',
          persona: 'For artists and game teams (each has subcommands: `strata <name> --help`):',
          plumbing: 'Plumbing commands (stable output, for scripts):',
        };
        lines.push(headings[group] ?? `${group}:`);
        const width = Math.max(...list.map((c) => c.name.length));
        for (const c of list) lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
        lines.push('');
      }
      lines.push('Every command takes --json, --repo PATH (or STRATA_REPO) and --help.');
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  };
}
