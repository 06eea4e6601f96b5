package weir.drivers;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** DatabaseMetaData calls as IDEs and ORMs make them; every column of every row is printed. */
final class Metadata {
  private Metadata() {}

  static void print(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    Out.line("product=" + md.getDatabaseProductName() + " driver=" + md.getDriverName());
    Out.line("identifierQuote=" + md.getIdentifierQuoteString() + " searchEscape=" + md.getSearchStringEscape());
    Out.line("user=" + md.getUserName() + " catalog=" + c.getCatalog() + " schema=" + c.getSchema());
    dump("schemas", () -> md.getSchemas());
    dump("schemasLike", () -> md.getSchemas(null, "jdbc%"));
    dump("tables", () -> md.getTables(null, null, "jdbc%", null));
    dump("tablesTyped", () -> md.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"}));
    dump("otherTables", () -> md.getTables(null, "jdbc_other", null, new String[] {"TABLE"}));
    dump("columns", () -> md.getColumns(null, "public", "jdbc_types", "%"));
    dump("columnsOfView", () -> md.getColumns(null, null, "jdbc_view", null));
    dump("columnsLike", () -> md.getColumns(null, "jdbc_other", "things", "k"));
    dump("primaryKeys", () -> md.getPrimaryKeys(null, "public", "jdbc_types"));
    dump("compositeKey", () -> md.getPrimaryKeys(null, null, "jdbc_orders"));
    dump("otherKey", () -> md.getPrimaryKeys(null, "jdbc_other", "things"));
    dump("indexes", () -> md.getIndexInfo(null, "public", "jdbc_orders", false, false));
    dump("tableTypes", () -> md.getTableTypes());
    dump("importedKeys", () -> md.getImportedKeys(null, "public", "jdbc_orders"));
    dump("exportedKeys", () -> md.getExportedKeys(null, "public", "jdbc_types"));
    dump("bestRowIdentifier", () -> md.getBestRowIdentifier(null, "public", "jdbc_orders", DatabaseMetaData.bestRowSession, true));
    dump("uniqueIndexes", () -> md.getIndexInfo(null, "jdbc_other", "things", true, true));
  }

  interface Call { ResultSet get() throws SQLException; }

  /** A failing call prints its SQLSTATE and the run goes on, so one gap does not hide the rest. */
  private static void dump(String label, Call call) {
    try (ResultSet rs = call.get()) {
      ResultSetMetaData m = rs.getMetaData();
      int row = 0;
      while (rs.next()) {
        row++;
        StringBuilder sb = new StringBuilder(label).append(" row").append(row).append(":");
        for (int i = 1; i <= m.getColumnCount(); i++) {
          sb.append(' ').append(m.getColumnLabel(i)).append('=').append(rs.getString(i));
        }
        Out.line(sb.toString());
      }
      Out.line(label + " rows=" + row);
    } catch (SQLException e) {
      Main.printError(label, e);
    }
  }
}
