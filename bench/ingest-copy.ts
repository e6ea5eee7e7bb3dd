import type pg from 'pg';

/**
 * `COPY … FROM STDIN` through the pg driver without pg-copy-streams: a minimal custom query object
 * (pg's "submittable" protocol) that sends the data as CopyData messages when the server asks for it.
 */
class CopyFromText {
  callback?: (err: Error | null, rowCount?: number) => void;
  #rowCount = 0;
  #error: Error | null = null;

  constructor(
    readonly text: string,
    readonly data: Buffer,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    for (let i = 0; i < this.data.length; i += 64 * 1024)
      connection.sendCopyFromChunk(this.data.subarray(i, i + 64 * 1024));
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text?: string }): void {
    this.#rowCount = Number(/COPY (\d+)/.exec(msg.text ?? '')?.[1] ?? 0);
  }
  handleError(error: Error): void {
    this.#error = error;
  }
  handleReadyForQuery(): void {
    this.callback?.(this.#error, this.#rowCount);
  }
  // Not expected during COPY FROM; present because pg may call them on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Runs one COPY on `client` and resolves with the row count the server reports. */
export function copyFrom(client: pg.PoolClient | pg.Client, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromText(sql, data);
    query.callback = (err, rowCount) => (err ? reject(err) : resolve(rowCount ?? 0));
    (client as unknown as { query(q: unknown): void }).query(query);
  });
}

/** CSV field quoting for COPY … (FORMAT csv). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}
