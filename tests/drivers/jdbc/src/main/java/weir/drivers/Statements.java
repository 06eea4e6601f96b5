package weir.drivers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Statement-level behaviour drivers rely on: generated keys, transactions, errors, fetch size. */
final class Statements {
  private Statements() {}

  static void run(Connection c, String tag) throws SQLException {
    String table = "jdbc_stmt_" + ("0".equals(tag) ? "a" : "-1".equals(tag) ? "b" : "c");
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text NOT NULL)");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setInt(1, 1);
      ps.setString(2, "one");
      Out.line("insert count=" + ps.executeUpdate());
      try (ResultSet keys = ps.getGeneratedKeys()) {
        Main.printRows("generated", keys);
      }
    }
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      ps.setInt(1, 2);
      ps.setString(2, "two");
      ps.executeUpdate();
      c.rollback();
      ps.setInt(1, 3);
      ps.setString(2, "three");
      ps.executeUpdate();
      c.commit();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      ps.setInt(1, 1);
      ps.setString(2, "duplicate");
      ps.executeUpdate();
    } catch (SQLException e) {
      Main.printError("duplicate key", e);
      c.rollback();
    }
    c.setAutoCommit(true);
    Main.query(c, "after tx", "SELECT * FROM " + table + " ORDER BY id");
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT * FROM no_such_table");
    } catch (SQLException e) {
      Main.printError("missing table", e);
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 / ?")) {
      ps.setInt(1, 0);
      ps.executeQuery();
    } catch (SQLException e) {
      Main.printError("division", e);
    }
    // With autocommit off and a fetch size, pgjdbc reads through a portal in chunks.
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("SELECT g, g * 2 FROM generate_series(1, ?) g ORDER BY g")) {
      ps.setFetchSize(3);
      ps.setInt(1, 10);
      try (ResultSet rs = ps.executeQuery()) {
        long sum = 0;
        int n = 0;
        while (rs.next()) { sum += rs.getLong(2); n++; }
        Out.line("fetchSize rows=" + n + " sum=" + sum);
      }
    }
    c.commit();
    c.setAutoCommit(true);
    Main.query(c, "settings", "SELECT current_setting('application_name'), current_setting('TimeZone'), current_setting('DateStyle')");
  }
}
