// SQL errors carry a PostgreSQL SQLSTATE so that drivers can react to them as they do with PostgreSQL.

export const SqlState = {
  SyntaxError: '42601',
  UndefinedTable: '42P01',
  UndefinedColumn: '42703',
  UndefinedFunction: '42883',
  UndefinedObject: '42704',
  ConnectionFailure: '08006',
  SerializationFailure: '40001',
  UndefinedSchema: '3F000',
  DuplicateTable: '42P07',
  DuplicateObject: '42710',
  DuplicateSchema: '42P06',
  DuplicateColumn: '42701',
  AmbiguousColumn: '42702',
  DatatypeMismatch: '42804',
  CannotCoerce: '42846',
  GroupingError: '42803',
  InvalidTextRepresentation: '22P02',
  InvalidParameterValue: '22023',
  DivisionByZero: '22012',
  NumericValueOutOfRange: '22003',
  StringDataRightTruncation: '22001',
  InvalidDatetimeFormat: '22007',
  DatetimeFieldOverflow: '22008',
  CardinalityViolation: '21000',
  NotNullViolation: '23502',
  UniqueViolation: '23505',
  FeatureNotSupported: '0A000',
  InFailedTransaction: '25P02',
  ActiveSqlTransaction: '25001',
  NoActiveSqlTransaction: '25P01',
  InvalidCursorName: '34000',
  InvalidSqlStatementName: '26000',
  DuplicatePreparedStatement: '42P05',
  ProtocolViolation: '08P01',
  InvalidPassword: '28P01',
  InvalidAuthorization: '28000',
  QueryCanceled: '57014',
  AdminShutdown: '57P01',
  InternalError: 'XX000',
  DependentObjectsStillExist: '2BP01',
  WrongObjectType: '42809',
  InvalidSchemaName: '3F000',
  UndefinedParameter: '42704',
  CantChangeRuntimeParam: '55P02',
  InvalidColumnReference: '42P10',
  TooManyConnections: '53300',
  InsufficientResources: '53000',
  InvalidTableDefinition: '42P16',
  ReadOnlySqlTransaction: '25006',
  ProgramLimitExceeded: '54000',
  ObjectNotInPrerequisiteState: '55000',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export class SqlError extends Error {
  readonly code: string;
  /** 1-based character position in the query text, as ErrorResponse field 'P' expects. */
  position?: number;
  detail?: string;
  hint?: string;
  severity: 'ERROR' | 'FATAL' = 'ERROR';

  constructor(code: string, message: string, opts: { position?: number; detail?: string; hint?: string } = {}) {
    super(message);
    this.code = code;
    this.position = opts.position;
    this.detail = opts.detail;
    this.hint = opts.hint;
  }
}

export function sqlError(code: string, message: string, opts?: { position?: number; detail?: string; hint?: string }): SqlError {
  return new SqlError(code, message, opts);
}

/** Turn anything thrown into a SqlError; unexpected errors become XX000 with their message. */
export function toSqlError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof RangeError && /Maximum call stack/.test(e.message)) {
    return new SqlError(SqlState.ProgramLimitExceeded, 'stack depth limit exceeded');
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new SqlError(SqlState.InternalError, msg);
}
