import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Starts DynamoDB Local like its own ServerRunner (same command-line options), but bound to one host
 * (127.0.0.1 unless -Dsluice.bindHost says otherwise): DynamoDB Local has no option for that and would
 * otherwise listen on every interface. Compiled by sluice's test harness (test/harness/recipes/dynamodb-local.ts).
 */
public final class LoopbackServerRunner {
  private LoopbackServerRunner() {}

  public static void main(String[] args) throws Exception {
    String host = System.getProperty("sluice.bindHost", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("unexpected Jetty connector " + connector.getClass().getName());
      }
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    System.out.println("sluice: DynamoDB Local listening on " + host);
    proxy.join();
  }
}
