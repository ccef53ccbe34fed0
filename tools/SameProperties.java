import java.io.FileInputStream;
import java.io.IOException;
import java.util.Properties;

/**
 * Exit 0 when two properties files hold exactly the same properties as java.util.Properties
 * reads them (tools/runtime.sh: the runtime's comment-free java.security against the JDK's).
 */
public class SameProperties {
    public static void main(String[] args) throws IOException {
        Properties a = new Properties();
        Properties b = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) {
            a.load(in);
        }
        try (FileInputStream in = new FileInputStream(args[1])) {
            b.load(in);
        }
        if (!a.equals(b)) {
            System.err.println("SameProperties: " + args[0] + " and " + args[1] + " differ");
            System.exit(1);
        }
    }
}
