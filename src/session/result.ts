// What executing one statement produces, for the wire layer to send.

import type { OutputColumn } from '../plan/logical.js';
import type { Row } from '../types/value.js';
import type { DataType } from '../types/datatype.js';
import type { ParsedStatement } from '../sql/parser.js';

export type StatementResult =
  | { readonly kind: 'rows'; readonly columns: OutputColumn[]; readonly rows: Row[]; readonly tag: string }
  | { readonly kind: 'command'; readonly tag: string; readonly notices?: string[] }
  | { readonly kind: 'copyIn'; readonly columns: number; readonly sink: CopyInSink; readonly binary?: boolean }
  | { readonly kind: 'copyOut'; readonly columns: number; readonly chunks: Buffer[]; readonly tag: string; readonly binary?: boolean }
  | { readonly kind: 'empty' };

export interface CopyInSink {
  /** Receive a chunk of COPY data. */
  write(data: Buffer): void;
  /** End of data: parse, insert, commit. Resolves to the command tag. */
  finish(): Promise<string>;
  abort(): void;
}

/** A statement parsed and analysed once (Parse), executed many times (Bind/Execute). */
export interface PreparedStatement {
  readonly sql: string;
  readonly stmt: ParsedStatement | null;
  readonly paramTypes: DataType[];
  /** Result columns, or null when the statement returns no rows. */
  readonly columns: OutputColumn[] | null;
}
