package weir.drivers;

/** Line output shared by the checks; a section header makes a diff point at the right run. */
final class Out {
  private Out() {}

  private static String section = "";

  static void section(String name) {
    section = name;
    System.out.println("== " + name);
  }

  static void line(String s) {
    System.out.println("[" + section + "] " + s);
  }
}
