package io.aloft.engine.metrics;

import io.aloft.metrics.Counter;
import io.aloft.metrics.Gauge;
import io.aloft.metrics.Histogram;
import io.aloft.metrics.Metric;
import io.aloft.metrics.MetricRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes a {@link MetricRegistry} as one MBean on the platform MBean server, named {@code
 * io.aloft:type=KeyedProcessor,name=<processor>,instance=<i>of<n>} (a processor) or {@code
 * io.aloft:type=KeyedJob,name=<job>} (a job), each metric an attribute of type {@code long}; a histogram
 * {@code h} gives {@code h.count}, {@code h.sum}, {@code h.min}, {@code h.max}, {@code h.mean} (a
 * {@code double}), {@code h.p50}, {@code h.p95} and {@code h.p99}. Another MBean of the same name in
 * the JVM (a processor restored before the one it replaces closed) gets {@code ,run=2}, {@code 3}, ….
 */
public final class JmxExport implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JmxExport.class.getName());
  private static final String[] HISTOGRAM_PARTS = {"count", "sum", "min", "max", "mean", "p50", "p95", "p99"};

  private final MBeanServer server;
  private final ObjectName name;

  private JmxExport(MBeanServer server, ObjectName name) {
    this.server = server;
    this.name = name;
  }

  /**
   * Registers {@code registry} under {@code io.aloft:type=<type>,<keys>}; {@code keys} in order, values
   * quoted when they need it. Returns null (and logs a WARNING) when JMX refuses: metrics are never worth
   * failing a job for.
   */
  public static JmxExport register(MetricRegistry registry, String type, Map<String, String> keys) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    StringBuilder base = new StringBuilder("io.aloft:type=").append(type);
    keys.forEach((k, v) -> base.append(',').append(k).append('=').append(value(v)));
    try {
      for (int run = 1; run < 1000; run++) {
        ObjectName name = new ObjectName(run == 1 ? base.toString() : base + ",run=" + run);
        try {
          server.registerMBean(new Bean(registry), name);
          return new JmxExport(server, name);
        } catch (InstanceAlreadyExistsException taken) {
          // another live registry of the same name: try the next run number
        }
      }
      throw new JMException("1000 MBeans named " + base + " are registered");
    } catch (JMException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Cannot register metrics MBean " + base + ": " + e);
      return null;
    }
  }

  private static String value(String v) {
    return v.matches("[A-Za-z0-9_.\\-]+") ? v : ObjectName.quote(v);
  }

  /** The MBean's name. */
  public ObjectName name() {
    return name;
  }

  @Override
  public void close() {
    try {
      server.unregisterMBean(name);
    } catch (JMException | RuntimeException e) {
      // already gone
    }
  }

  /** The attributes of a registry now: metric (or histogram part) name to its value. */
  static Map<String, Object> attributes(MetricRegistry registry) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Metric> e : registry.metrics().entrySet()) {
      String name = e.getKey(); // Aloft's name, or Flink's for the same metric
      Metric m = e.getValue();
      if (m instanceof Histogram h) {
        Histogram.Snapshot s = h.snapshot(); // one snapshot for all its parts
        for (String part : HISTOGRAM_PARTS) {
          values.put(name + "." + part, part(s, part));
        }
      } else {
        values.put(name, value(m));
      }
    }
    return values;
  }

  /** A counter's count or a gauge's value. */
  private static Object value(Metric m) {
    return m instanceof Counter c ? c.count() : ((Gauge) m).value();
  }

  /** One of {@link #HISTOGRAM_PARTS} of a histogram's snapshot: a {@code long}, the mean a {@code double}. */
  private static Object part(Histogram.Snapshot s, String part) {
    return switch (part) {
      case "count" -> s.count();
      case "sum" -> s.sum();
      case "min" -> s.min();
      case "max" -> s.max();
      case "mean" -> s.mean();
      case "p50" -> s.p50();
      case "p95" -> s.p95();
      case "p99" -> s.p99();
      default -> null;
    };
  }

  private static final class Bean implements DynamicMBean {
    private final MetricRegistry registry;

    Bean(MetricRegistry registry) {
      this.registry = registry;
    }

    /** The metric named {@code name}, also one a source reported since the last full read. */
    private Metric metric(String name) {
      return registry.metric(name).orElseGet(() -> registry.metrics().get(name));
    }

    /** One attribute: reads its metric alone, not the whole registry. */
    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
      Metric m = metric(attribute);
      Object value = null;
      if (m != null && !(m instanceof Histogram)) {
        value = value(m);
      } else if (m == null && attribute.lastIndexOf('.') > 0) {
        int dot = attribute.lastIndexOf('.');
        if (metric(attribute.substring(0, dot)) instanceof Histogram h) {
          value = part(h.snapshot(), attribute.substring(dot + 1));
        }
      }
      if (value == null) {
        throw new AttributeNotFoundException("no metric " + attribute + " (the attributes are in docs/metrics.md)");
      }
      return value;
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
      Map<String, Object> now = attributes(registry);
      AttributeList list = new AttributeList();
      for (String a : attributes) {
        if (now.containsKey(a)) {
          list.add(new Attribute(a, now.get(a)));
        }
      }
      return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
      throw new AttributeNotFoundException("metrics are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
      return new AttributeList(); // read-only: none set
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
      throw new UnsupportedOperationException("metrics MBeans have no operations");
    }

    /** The attributes' names, types and descriptions, from the metrics alone (no value is read). */
    @Override
    public MBeanInfo getMBeanInfo() {
      List<MBeanAttributeInfo> infos = new ArrayList<>();
      for (Map.Entry<String, Metric> e : registry.metrics().entrySet()) {
        Metric m = e.getValue();
        String description =
            m.description() + " [" + m.unit() + "]" + (m.name().equals(e.getKey()) ? "" : " (Aloft's " + m.name() + ")");
        if (m instanceof Histogram) {
          for (String part : HISTOGRAM_PARTS) {
            infos.add(
                new MBeanAttributeInfo(
                    e.getKey() + "." + part, part.equals("mean") ? "double" : "long", part + " of: " + description,
                    true, false, false));
          }
        } else {
          infos.add(new MBeanAttributeInfo(e.getKey(), "long", description, true, false, false));
        }
      }
      return new MBeanInfo(
          Registry.class.getName(), "Aloft metrics " + registry.tags(), infos.toArray(new MBeanAttributeInfo[0]),
          null, null, null);
    }
  }
}
