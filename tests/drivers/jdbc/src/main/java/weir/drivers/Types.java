package weir.drivers;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

/** PreparedStatement parameters of every supported type, read back with the matching getters. */
final class Types {
  private Types() {}

  interface Binder { void bind(PreparedStatement ps) throws SQLException; }
  interface Reader { Object read(ResultSet rs) throws SQLException; }
  record Case(String label, String sql, Binder binder, Reader reader) {}

  static final UUID AN_UUID = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  static final OffsetDateTime AN_INSTANT = OffsetDateTime.of(2024, 2, 29, 13, 45, 6, 123456000, ZoneOffset.ofHours(2));

  static PGobject json(String type, String value) throws SQLException {
    PGobject o = new PGobject();
    o.setType(type);
    o.setValue(value);
    return o;
  }

  static List<Case> cases(Connection c) {
    return List.of(
        new Case("bool", "SELECT ?::bool, ?", ps -> { ps.setBoolean(1, true); ps.setBoolean(2, false); }, rs -> rs.getBoolean(1) + "," + rs.getBoolean(2)),
        new Case("int2", "SELECT ?::int2, ? + 1", ps -> { ps.setShort(1, Short.MIN_VALUE); ps.setShort(2, (short) 32766); }, rs -> rs.getShort(1) + "," + rs.getShort(2)),
        new Case("int4", "SELECT ?::int4, ?", ps -> { ps.setInt(1, Integer.MIN_VALUE); ps.setInt(2, Integer.MAX_VALUE); }, rs -> rs.getInt(1) + "," + rs.getLong(2)),
        new Case("int8", "SELECT ?::int8, ? - 1", ps -> { ps.setLong(1, Long.MIN_VALUE); ps.setLong(2, Long.MAX_VALUE); }, rs -> rs.getLong(1) + "," + rs.getLong(2)),
        new Case("float4", "SELECT ?::float4, ?, ?", ps -> { ps.setFloat(1, 1.5f); ps.setFloat(2, Float.NaN); ps.setFloat(3, -0.1f); },
            rs -> rs.getFloat(1) + "," + rs.getFloat(2) + "," + rs.getFloat(3) + "," + rs.getDouble(3)),
        new Case("float8", "SELECT ?::float8, ?, ?", ps -> { ps.setDouble(1, 0.1); ps.setDouble(2, Double.NEGATIVE_INFINITY); ps.setDouble(3, 1e300); },
            rs -> rs.getDouble(1) + "," + rs.getDouble(2) + "," + rs.getDouble(3)),
        new Case("numeric", "SELECT ?::numeric, ?, ?::numeric(10,2)", ps -> {
          ps.setBigDecimal(1, new BigDecimal("-12345678901234567890.000123"));
          ps.setBigDecimal(2, new BigDecimal("0.00"));
          ps.setBigDecimal(3, new BigDecimal("3.14159"));
        }, rs -> rs.getBigDecimal(1).toPlainString() + "," + rs.getBigDecimal(2).toPlainString() + "," + rs.getBigDecimal(3).toPlainString() + "," + rs.getInt(3)),
        new Case("text", "SELECT ?::text, ?, length(?)", ps -> { ps.setString(1, "héllo ✓"); ps.setString(2, ""); ps.setString(3, "abc"); },
            rs -> rs.getString(1) + "," + rs.getString(2) + "," + rs.getInt(3)),
        new Case("varchar", "SELECT ?::varchar(5), CAST(? AS varchar)", ps -> { ps.setString(1, "abc"); ps.setString(2, "x y"); }, rs -> rs.getString(1) + "," + rs.getString(2)),
        new Case("bytea", "SELECT ?::bytea, ?", ps -> { ps.setBytes(1, new byte[] {0, 1, (byte) 0xfe, (byte) 0xff}); ps.setBytes(2, new byte[0]); },
            rs -> Main.show(rs.getBytes(1)) + "," + Main.show(rs.getBytes(2))),
        new Case("date", "SELECT ?::date, ?::date", ps -> { ps.setDate(1, Date.valueOf("2024-02-29")); ps.setObject(2, LocalDate.of(1999, 12, 31)); },
            rs -> rs.getDate(1) + "," + rs.getObject(2, LocalDate.class) + "," + rs.getString(1)),
        new Case("time", "SELECT ?::time, ?::time", ps -> { ps.setTime(1, Time.valueOf("13:45:06")); ps.setObject(2, LocalTime.of(23, 59, 59, 999999000)); },
            rs -> rs.getTime(1) + "," + rs.getObject(2, LocalTime.class) + "," + rs.getString(2)),
        new Case("timestamp", "SELECT ?::timestamp, ?::timestamp", ps -> {
          ps.setTimestamp(1, Timestamp.valueOf("2024-02-29 13:45:06.123456"));
          ps.setObject(2, LocalDateTime.of(1900, 6, 15, 1, 2, 3));
        }, rs -> rs.getTimestamp(1) + "," + rs.getObject(2, LocalDateTime.class) + "," + rs.getString(1)),
        new Case("timestamptz", "SELECT ?::timestamptz, ?::timestamptz", ps -> {
          ps.setObject(1, AN_INSTANT);
          ps.setTimestamp(2, Timestamp.valueOf("2001-02-03 04:05:06"));
        }, rs -> rs.getObject(1, OffsetDateTime.class) + "," + rs.getTimestamp(2) + "," + rs.getString(1)),
        new Case("interval", "SELECT ?::interval, ?::interval", ps -> {
          ps.setObject(1, new PGInterval("1 year 2 mons 3 days 04:05:06.5"));
          ps.setObject(2, new PGInterval(0, -1, -2, 0, 0, -1.25));
        }, rs -> rs.getObject(1) + "," + rs.getObject(2) + "," + rs.getString(2)),
        new Case("uuid", "SELECT ?::uuid, ?", ps -> { ps.setObject(1, AN_UUID); ps.setObject(2, new UUID(0, 0)); },
            rs -> rs.getObject(1, UUID.class) + "," + rs.getObject(2)),
        new Case("json", "SELECT ?::json, ?", ps -> { ps.setObject(1, json("json", "{\"b\": 1, \"a\": [1, 2]}")); ps.setObject(2, json("json", "[]")); },
            rs -> rs.getString(1) + "," + Main.show(rs.getObject(2))),
        new Case("jsonb", "SELECT ?::jsonb, ?", ps -> { ps.setObject(1, json("jsonb", "{\"b\": 1, \"a\": [1, 2]}")); ps.setString(2, "x"); },
            rs -> rs.getString(1) + "," + rs.getObject(1).getClass().getSimpleName() + "," + rs.getString(2)),
        new Case("int4[]", "SELECT ?::int4[], ?", ps -> {
          ps.setArray(1, c.createArrayOf("int4", new Integer[] {1, null, 3}));
          ps.setArray(2, c.createArrayOf("int8", new Long[] {Long.MAX_VALUE}));
        }, rs -> Main.show(rs.getArray(1)) + "," + Main.show(rs.getArray(2))),
        new Case("text[]", "SELECT ?::text[], ?", ps -> {
          ps.setArray(1, c.createArrayOf("text", new String[] {"a b", null, "", "q\"uote"}));
          ps.setArray(2, c.createArrayOf("float8", new Double[] {1.5, -2.0}));
        }, rs -> Main.show(rs.getArray(1)) + "," + Main.show(rs.getArray(2))),
        new Case("more arrays", "SELECT ARRAY[true, NULL]::bool[], ARRAY[1.5]::numeric[], ARRAY['2024-01-02']::date[], ARRAY[?::uuid]",
            ps -> ps.setObject(1, AN_UUID),
            rs -> Main.show(rs.getArray(1)) + "," + Main.show(rs.getArray(2)) + "," + Main.show(rs.getArray(3)) + "," + Main.show(rs.getArray(4))),
        new Case("nulls", "SELECT ?::int4, ?::text, ?::timestamptz", ps -> {
          ps.setNull(1, java.sql.Types.INTEGER);
          ps.setNull(2, java.sql.Types.VARCHAR);
          ps.setObject(3, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        }, rs -> rs.getInt(1) + "/" + rs.wasNull() + "," + rs.getString(2) + "," + rs.getObject(3)));
  }

  /** Each case runs three times so that, with a low prepareThreshold, the named statement is reused. */
  static void roundTrips(Connection c) throws SQLException {
    for (Case k : cases(c)) {
      try (PreparedStatement ps = c.prepareStatement(k.sql())) {
        for (int run = 1; run <= 3; run++) {
          k.binder().bind(ps);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            Out.line("param " + k.label() + " run" + run + ": " + k.reader().read(rs));
            if (run == 1) {
              for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                Out.line("param " + k.label() + " col" + i + " type=" + rs.getMetaData().getColumnTypeName(i) + " sqltype=" + rs.getMetaData().getColumnType(i)
                    + " class=" + rs.getMetaData().getColumnClassName(i) + " object=" + Main.show(rs.getObject(i)));
              }
            }
          }
        }
      } catch (SQLException e) {
        Main.printError("param " + k.label(), e);
      }
    }
  }

  /** Inserts rows into a table with one column per type, then reads them back by column name. */
  static void tableRoundTrip(Connection c, String tag) throws SQLException {
    int base = "0".equals(tag) ? 100 : "-1".equals(tag) ? 200 : 300;
    String insert = "INSERT INTO jdbc_types (id, b, i2, i4, i8, f4, f8, n, t, vc, by, d, tm, ts, tz, iv, u, j, jb, ai, at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (int k = 0; k < 3; k++) {
        ps.setInt(1, base + k);
        ps.setBoolean(2, k % 2 == 0);
        ps.setShort(3, (short) (k - 1));
        ps.setInt(4, 1000 * k);
        ps.setLong(5, Long.MAX_VALUE - k);
        ps.setFloat(6, 0.25f * k);
        ps.setDouble(7, -1.5e10 * k);
        ps.setBigDecimal(8, new BigDecimal("123.456").multiply(BigDecimal.valueOf(k)));
        ps.setString(9, "row " + k);
        ps.setString(10, "vc" + k);
        ps.setBytes(11, new byte[] {(byte) k, (byte) 0x80});
        ps.setObject(12, LocalDate.of(2020, 1 + k, 28));
        ps.setObject(13, LocalTime.of(k, 30, 15, 500000000));
        ps.setObject(14, LocalDateTime.of(2021, 3, 4, 5, 6, 7, 1000 * k));
        ps.setObject(15, AN_INSTANT.plusHours(k));
        ps.setObject(16, new PGInterval(0, k, k, k, 0, 0.5));
        ps.setObject(17, new UUID(k, k));
        ps.setObject(18, json("json", "{\"k\": " + k + "}"));
        ps.setObject(19, json("jsonb", "{\"k\": [" + k + ", null]}"));
        ps.setArray(20, c.createArrayOf("int4", new Integer[] {k, null}));
        ps.setArray(21, c.createArrayOf("text", new String[] {"t" + k}));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      Out.line("batch counts=" + java.util.Arrays.toString(counts));
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM jdbc_types WHERE id >= ? AND id < ? ORDER BY id")) {
      for (int run = 1; run <= 2; run++) {
        ps.setInt(1, base);
        ps.setInt(2, base + 100);
        try (ResultSet rs = ps.executeQuery()) {
          Main.printRows("table run" + run, rs);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT b, i2, i4, i8, f4, f8, n, t, by, d, tm, ts, tz, iv, u, jb, ai FROM jdbc_types WHERE id = ?")) {
      ps.setInt(1, base + 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Out.line("getters " + rs.getBoolean("b") + " " + rs.getShort("i2") + " " + rs.getInt("i4") + " " + rs.getLong("i8") + " " + rs.getFloat("f4")
            + " " + rs.getDouble("f8") + " " + rs.getBigDecimal("n") + " " + rs.getString("t") + " " + Main.show(rs.getBytes("by"))
            + " " + rs.getObject("d", LocalDate.class) + " " + rs.getObject("tm", LocalTime.class) + " " + rs.getObject("ts", LocalDateTime.class)
            + " " + rs.getObject("tz", OffsetDateTime.class) + " " + rs.getObject("iv") + " " + rs.getObject("u", UUID.class)
            + " " + rs.getString("jb") + " " + Main.show(rs.getArray("ai")));
      }
    }
  }
}
