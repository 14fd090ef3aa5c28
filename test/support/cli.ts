/** Running the `formwork` command line in a child process, as a person would, for the CLI tests. */
import { spawn } from 'node:child_process';
import { REPO } from './engine.js';

/** What a run of the command printed and how it ended. */
export interface CliRun { code: number | null; stdout: string; stderr: string }

/** Run `formwork <args>` (the TypeScript source through tsx) from the repository root with `env`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
