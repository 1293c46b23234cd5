import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../php/support/cli/', import.meta.url));

export type PhpCli = 'token' | 'verify-receipt' | 'contract' | 'edge';

/**
 * Runs one of the plugin's CLI helpers (test/php/support/cli) with a JSON object on stdin and
 * returns its stdout. Asynchronous on purpose: the edge calls the CDN stand-in, which lives in
 * this process, so a blocking child would deadlock a delete.
 */
export function php(script: PhpCli, input: unknown = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('php', [`${CLI}${script}.php`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && err === '') resolve(out.trim());
      else reject(new Error(`php ${script}.php exited ${code}: ${err || out}`));
    });
    // A script that needs no input may exit before reading it: EPIPE then says nothing about the
    // run, whose exit code and output decide (a busy machine makes that race common).
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

export async function phpJson<T = Record<string, unknown>>(script: PhpCli, input: unknown = {}): Promise<T> {
  return JSON.parse(await php(script, input)) as T;
}
