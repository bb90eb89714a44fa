import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

// One RunCoach server as a separate OS process (so its memory is measured alone and a
// SIGKILL is a real crash). Restarts keep the port, so clients carry on at the same URL.

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcessOptions {
  /** Environment on top of this process's (PORT is set from `port`). */
  env: Record<string, string>;
  port: number;
  /** Every line the server writes goes here (appended across restarts). */
  logPath: string;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs?: number;
  /** Node flags for the server process (e.g. --expose-gc). */
  nodeArgs?: string[];
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private log: WriteStream;
  starts = 0;
  /** The last heap figures the server reported (OPS_MEMORY_LOG=1), in MB. */
  heap: { heapUsed: number; heapTotal: number; external: number } | null = null;
  private afterGc: ((figures: { heapUsed: number; rss: number }) => void) | null = null;

  constructor(private readonly options: ServerProcessOptions) {
    this.log = createWriteStream(options.logPath, { flags: 'a' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server and resolves once it listens (rejects with its last log lines if it exits). */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error('the server is already running');
    this.starts++;
    this.log.write(`\n--- start #${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--import', 'tsx', CHILD], {
      cwd: REPO,
      env: { ...process.env, ...this.options.env, ...extraEnv, PORT: String(this.options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.pipe(this.log, { end: false });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => fail(new Error(`the server did not listen within ${this.options.startTimeoutMs ?? 60_000} ms`)),
        this.options.startTimeoutMs ?? 60_000,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(new Error(`${error.message}\n${this.tail(15)}`));
      };
      let partial = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        out += chunk.toString();
        // Whole lines only: a report may arrive split over two chunks.
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.readLine(line);
        if (/listening \S+/.test(out)) {
          out = '';
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => fail(new Error(`the server exited during start (${signal ?? code})`)));
    });
  }

  private readLine(line: string): void {
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const match = /^(memory|after-gc) (\{.*\})$/.exec(line);
    if (!match) return;
    const figures = JSON.parse(match[2]!) as { heapUsed: number; heapTotal: number; external: number; rss: number };
    if (match[1] === 'memory') this.heap = { heapUsed: mb(figures.heapUsed), heapTotal: mb(figures.heapTotal), external: mb(figures.external) };
    else {
      this.afterGc?.({ heapUsed: mb(figures.heapUsed), rss: mb(figures.rss) });
      this.afterGc = null;
    }
  }

  /** The heap the server holds after a full collection, and its RSS then, in MB (needs OPS_MEMORY_LOG=1 and --expose-gc). */
  async liveMemory(timeoutMs = 10_000): Promise<{ heapUsed: number; rss: number } | null> {
    // Without the handler (OPS_MEMORY_LOG unset) SIGUSR2 would end the process.
    if (!this.running || this.options.env.OPS_MEMORY_LOG !== '1') return null;
    const figures = new Promise<{ heapUsed: number; rss: number }>((resolve) => (this.afterGc = resolve));
    this.child!.kill('SIGUSR2');
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref());
    return Promise.race([figures, timeout]);
  }

  /** CPU seconds the server process used so far (user + system, from /proc/<pid>/stat). */
  cpuSeconds(): number | null {
    if (!this.running || !this.pid) return null;
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return null;
    }
  }

  /** kill -9: no shutdown code runs. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A clean stop (SIGTERM: finish requests, stop the workers, close the database). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** The server's resident memory in MB (VmRSS), or null when it is not running. */
  rssMb(): number | null {
    if (!this.running || !this.pid) return null;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
      return Number.isFinite(kb) ? kb / 1024 : null;
    } catch {
      return null;
    }
  }

  /** The last `lines` lines of the server's log, for failure messages. */
  tail(lines: number): string {
    try {
      return readFileSync(this.options.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Lines of the log matching `pattern` (e.g. unhandled errors), across every start. */
  grep(pattern: RegExp): string[] {
    try {
      return readFileSync(this.options.logPath, 'utf8')
        .split('\n')
        .filter((line) => pattern.test(line));
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    if (this.running) await this.stop();
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
