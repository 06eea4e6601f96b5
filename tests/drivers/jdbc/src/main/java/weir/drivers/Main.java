package weir.drivers;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Drives pgjdbc against a server and prints what it sees, one line per fact, so that the output of
 * a run against Weir can be compared line by line with a run against PostgreSQL.
 *
 * Usage: Main host port user database. Every section runs three times: with prepareThreshold=0
 * (unnamed statements, text results), with prepareThreshold=-1 (named server-side statements from
 * the first execution and binary transfer forced for every type pgjdbc can read in binary), and
 * with preferQueryMode=simple (parameters inlined as literals, simple query protocol).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[3];
    setUp(connect(url, args[2], "0"));
    // "simple" is preferQueryMode=simple: pgjdbc inlines every parameter as a literal.
    for (String threshold : new String[] {"0", "-1", "simple"}) {
      Out.section("simple".equals(threshold) ? "preferQueryMode=simple" : "prepareThreshold=" + threshold);
      try (Connection c = connect(url, args[2], threshold)) {
        Metadata.print(c);
        Types.roundTrips(c);
        Types.tableRoundTrip(c, threshold);
        Statements.run(c, threshold);
      }
    }
    Out.line("done");
  }

  static Connection connect(String url, String user, String prepareThreshold) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if ("simple".equals(prepareThreshold)) p.setProperty("preferQueryMode", "simple");
    else p.setProperty("prepareThreshold", prepareThreshold);
    p.setProperty("binaryTransfer", "true");
    // Ask for binary numeric too (pgjdbc leaves it in text by default; its binary interval reader returns null, so not that).
    p.setProperty("binaryTransferEnable", "NUMERIC,UUID,BYTEA,DATE,TIME,TIMESTAMP,TIMESTAMPTZ");
    p.setProperty("ApplicationName", "weir-jdbc-check");
    return DriverManager.getConnection(url, p);
  }

  private static void setUp(Connection c) throws SQLException {
    try (c; Statement s = c.createStatement()) {
      s.execute("CREATE TABLE jdbc_types (id int PRIMARY KEY, b bool, i2 int2, i4 int4 NOT NULL DEFAULT 7, i8 int8,"
          + " f4 float4, f8 float8, n numeric(12,3), t text, vc varchar(20), by bytea, d date, tm time, ts timestamp,"
          + " tz timestamptz, iv interval, u uuid, j json, jb jsonb, ai int4[], at text[])");
      s.execute("COMMENT ON TABLE jdbc_types IS 'one column per type'");
      s.execute("CREATE TABLE jdbc_orders (order_id int, line int, note text, PRIMARY KEY (order_id, line))");
      s.execute("CREATE VIEW jdbc_view AS SELECT id, t FROM jdbc_types");
      s.execute("CREATE SCHEMA jdbc_other");
      s.execute("CREATE TABLE jdbc_other.things (k text PRIMARY KEY, v int)");
    }
  }

  /** Prints a value in a form that does not depend on object identity. */
  static String show(Object v) throws SQLException {
    if (v == null) return "null";
    if (v instanceof byte[] b) {
      StringBuilder sb = new StringBuilder("bytes:");
      for (byte x : b) sb.append(String.format("%02x", x));
      return sb.toString();
    }
    if (v instanceof Array a) return "array(" + a.getBaseTypeName() + "):" + showArray(a.getArray());
    if (v instanceof Object[] arr) return showArray(arr);
    if (v instanceof BigDecimal d) return "BigDecimal:" + d.toPlainString();
    return v.getClass().getSimpleName() + ":" + v;
  }

  private static String showArray(Object arr) throws SQLException {
    if (!(arr instanceof Object[] items)) return String.valueOf(arr);
    StringBuilder sb = new StringBuilder(items.getClass().getComponentType().getSimpleName()).append("[");
    for (int i = 0; i < items.length; i++) sb.append(i == 0 ? "" : ", ").append(show(items[i]));
    return sb.append("]").toString();
  }

  /** Prints every column of every row with getObject and getString. */
  static void printRows(String label, ResultSet rs) throws SQLException {
    int n = rs.getMetaData().getColumnCount();
    int row = 0;
    while (rs.next()) {
      row++;
      for (int i = 1; i <= n; i++) {
        Out.line(label + " row" + row + " " + rs.getMetaData().getColumnLabel(i) + " = " + show(rs.getObject(i)) + " | " + stable(rs.getString(i)));
      }
    }
    Out.line(label + " rows=" + row);
  }

  /** pgjdbc's getString on a binary bytea column is byte[].toString(), an identity hash. */
  private static String stable(String s) {
    return s != null && s.startsWith("[B@") ? "[B@(identity)" : s;
  }

  static void printError(String label, SQLException e) {
    Out.line(label + " error sqlstate=" + e.getSQLState());
    // The message differs between servers, so it goes to stderr, out of the comparison.
    System.err.println(label + ": " + e.getMessage());
  }

  /** Keeps the statement closing inline for one-off queries. */
  static void query(Connection c, String label, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      printRows(label, rs);
    }
  }
}
