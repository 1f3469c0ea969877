package dev.paved.benchmarks;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The bytes a running JVM's live threads have allocated so far, read over JMX on loopback
 * ({@code com.sun.management.ThreadMXBean}): read before and after a load, divided by the requests
 * the load made, it is the allocation per request of the whole process — server threads, client
 * threads, exporters — as JMH's {@code -prof gc} counts it for one JVM. Threads that ended in
 * between are not counted (the servers compared keep their worker threads).
 *
 * <p>{@code java -cp benchmarks.jar dev.paved.benchmarks.AllocatedBytes <jmx port>}; the process
 * runs with {@code -Dcom.sun.management.jmxremote.port=<port>
 * -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false
 * -Djava.rmi.server.hostname=127.0.0.1}.
 */
public final class AllocatedBytes {
  private AllocatedBytes() {}

  // A benchmark tool reading the benchmark's own process on loopback, never an untrusted endpoint.
  @SuppressWarnings("BanJNDI")
  public static void main(String[] args) throws Exception {
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + args[0] + "/jmxrmi");
    try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
      MBeanServerConnection connection = connector.getMBeanServerConnection();
      com.sun.management.ThreadMXBean threads =
          ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME, com.sun.management.ThreadMXBean.class);
      long total = 0;
      for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
        if (bytes > 0) {
          total += bytes;
        }
      }
      System.out.println(total);
    }
  }
}
