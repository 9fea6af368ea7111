// One JVM validating many EPUBs (tests/epubcheck.py starts it through Java's source launcher).
// Starting epubcheck's JVM costs about 5 s of CPU, validating a small book a fraction of
// that; so each test process keeps one of these and sends it one path per line on stdin.
// For each path it runs epubcheck's own command-line checker, exactly as `epubcheck
// --failonwarnings PATH` would, and prints that run's report, then "=== exit N".
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(out); // one stream, in order: each report ends before its exit line
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.println("=== ready");
    String path;
    while ((path = in.readLine()) != null) {
      int code;
      try {
        code = new EpubChecker().run(new String[] {path, "--failonwarnings"});
      } catch (RuntimeException | StackOverflowError e) {
        e.printStackTrace(out);
        code = 99;
      }
      out.println("=== exit " + code);
    }
  }
}
