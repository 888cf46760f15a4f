/**
 * A one-line progress bar on stderr. Hand-written (a few lines) rather than a dependency: no
 * progress-bar package is installed and this needs nothing but a redrawn line. When stderr is not
 * a terminal (a log, CI) it prints a plain line at each quarter instead of redrawing.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastQuarter = -1;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    /** How an amount reads: bytes by default. */
    private readonly format: (amount: number) => string = formatBytes,
  ) {}

  update(done: number): void {
    const ratio = this.total > 0 ? Math.min(1, done / this.total) : 1;
    if (!this.stream.isTTY) {
      const quarter = Math.floor(ratio * 4);
      if (quarter > this.lastQuarter) {
        this.lastQuarter = quarter;
        this.stream.write(
          `${this.label}: ${Math.round(ratio * 100)}% (${this.format(done)} of ${this.format(this.total)})\n`,
        );
      }
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 100 && ratio < 1) {
      return;
    }
    this.lastDraw = now;
    this.stream.write(`\r${renderBar(ratio, this.label, done, this.total, 30, this.format)}`);
  }

  finish(done: number): void {
    this.update(done);
    if (this.stream.isTTY) {
      this.stream.write('\n');
    }
  }
}

export function renderBar(
  ratio: number,
  label: string,
  done: number,
  total: number,
  width = 30,
  format: (amount: number) => string = formatBytes,
): string {
  const clamped = Math.max(0, Math.min(1, ratio));
  const filled = Math.round(clamped * width);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}% ${format(done)}/${format(total)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
