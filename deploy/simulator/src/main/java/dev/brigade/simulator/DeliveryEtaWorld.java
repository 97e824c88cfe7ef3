package dev.brigade.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Delivery orders per courier with a hidden travel-time rule: minutes = pickup + per-km time x the courier's pace +
 * per-item handling + a load penalty for each order the courier took in the last hour + zone congestion + noise.
 * Covariate drift sends couriers on longer trips (a new suburb); concept drift makes every kilometre slower (road
 * works), which a model trained before it under-predicts. Attributes are courier-load v1's: distance_km, items, zone.
 */
public final class DeliveryEtaWorld implements World {

    static final String[] ZONES = {"north", "south", "east", "west", "center"};
    private static final double[] ZONE_CONGESTION = {1.0, 0.5, 1.5, 0.8, 4.0};

    private final Random random;
    private final List<Courier> couriers = new ArrayList<>();
    private long sequence;
    private volatile Drift drift = Drift.NONE;

    private static final class Courier {
        final String id;
        final int zone;
        final double pace;
        final Deque<Instant> recentOrders = new ArrayDeque<>();

        Courier(String id, int zone, double pace) {
            this.id = id;
            this.zone = zone;
            this.pace = pace;
        }
    }

    public DeliveryEtaWorld(long seed, int courierCount) {
        this.random = new Random(seed);
        for (int i = 0; i < courierCount; i++) {
            couriers.add(new Courier(String.format("courier-%04d", i), random.nextInt(ZONES.length),
                    Math.max(0.6, 1 + 0.15 * random.nextGaussian())));
        }
    }

    public DeliveryEtaWorld(long seed) {
        this(seed, 300);
    }

    @Override
    public String useCase() {
        return "delivery-eta";
    }

    @Override
    public String source() {
        return "delivery-orders";
    }

    @Override
    public void drift(Drift drift) {
        this.drift = drift;
    }

    @Override
    public Drift drift() {
        return drift;
    }

    @Override
    public synchronized SimEvent next(Instant eventTime) {
        Drift now = drift;
        Courier courier = couriers.get(random.nextInt(couriers.size()));
        while (!courier.recentOrders.isEmpty()
                && courier.recentOrders.peekFirst().isBefore(eventTime.minusSeconds(3600))) {
            courier.recentOrders.removeFirst();
        }
        int load = courier.recentOrders.size();
        courier.recentOrders.addLast(eventTime);
        double distance = Math.exp(1.0 + 0.5 * random.nextGaussian()) * (now == Drift.COVARIATE ? 1.8 : 1);
        long items = 1 + random.nextInt(8);
        double perKm = 3.2 * (now == Drift.CONCEPT ? 1.6 : 1);
        double minutes = 8 + perKm * distance * courier.pace + 1.2 * items + 2.0 * Math.min(load, 6)
                + ZONE_CONGESTION[courier.zone] + 3 * random.nextGaussian();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("distance_km", Math.round(distance * 100) / 100.0);
        attributes.put("items", items);
        attributes.put("zone", ZONES[courier.zone]);
        sequence++;
        return new SimEvent(useCase(), source(), "order-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE)
                + "-" + sequence, courier.id, eventTime, attributes, Math.max(5, Math.round(minutes * 10) / 10.0));
    }
}
