package dev.brigade.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Card transactions with a hidden fraud rule. Most transactions are a card's usual spending at its usual merchants.
 * A small share of cards get compromised: a burst of transactions in quick succession at merchants the card never
 * used, which card-activity's velocity, amount-ratio and distinct-merchant features can see.
 * <ul>
 * <li>Before concept drift, fraudsters cash out: big amounts (3 to 10 times the card's usual), mostly online.</li>
 * <li>After concept drift, they test cards: many tiny amounts (a tenth to half the usual), mostly in person, which a
 * model trained on cash-outs misses.</li>
 * <li>Covariate drift moves the inputs only: amounts 2.5 times higher for everyone, more online, other regions.</li>
 * </ul>
 * The attributes are those card-activity v1 reads: amount, online, merchant, region, device.
 */
public final class CardFraudWorld implements World {

    static final String[] REGIONS = {"eu", "na", "apac", "latam"};
    private static final double[] REGION_MIX = {0.5, 0.3, 0.15, 0.05};
    private static final double[] REGION_MIX_SHIFTED = {0.2, 0.2, 0.3, 0.3};
    static final String[] DEVICES = {"mobile", "web", "pos"};
    private static final double[] DEVICE_MIX = {0.5, 0.3, 0.2};
    /** Share of events that start a new compromise burst; a burst is several events, so fraud is about 4%. */
    private static final double COMPROMISE_RATE = 0.008;
    /** Share of bursting cards' events among all events while a burst is live. */
    private static final double BURST_SHARE = 0.5;

    private final Random random;
    private final List<Card> cards = new ArrayList<>();
    private final int merchants;
    private final List<Card> bursting = new ArrayList<>();
    private long sequence;
    private volatile Drift drift = Drift.NONE;

    private static final class Card {
        final String id;
        final String region;
        final String device;
        final double typicalAmount;
        final double onlineShare;
        final int[] usualMerchants;
        int burstLeft;

        Card(String id, String region, String device, double typicalAmount, double onlineShare, int[] merchants) {
            this.id = id;
            this.region = region;
            this.device = device;
            this.typicalAmount = typicalAmount;
            this.onlineShare = onlineShare;
            this.usualMerchants = merchants;
        }
    }

    public CardFraudWorld(long seed, int cardCount, int merchantCount) {
        this.random = new Random(seed);
        this.merchants = merchantCount;
        for (int i = 0; i < cardCount; i++) {
            int[] usual = new int[3 + random.nextInt(6)];
            for (int m = 0; m < usual.length; m++) {
                usual[m] = random.nextInt(merchantCount);
            }
            cards.add(new Card(String.format("card-%05d", i), pick(REGIONS, REGION_MIX), pick(DEVICES, DEVICE_MIX),
                    Math.exp(3.5 + 0.6 * random.nextGaussian()), 0.1 + 0.5 * random.nextDouble(), usual));
        }
    }

    public CardFraudWorld(long seed) {
        this(seed, 2000, 400);
    }

    @Override
    public String useCase() {
        return "card-fraud";
    }

    @Override
    public String source() {
        return "card-transactions";
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
        if (random.nextDouble() < COMPROMISE_RATE) {
            Card victim = cards.get(random.nextInt(cards.size()));
            if (victim.burstLeft == 0) {
                victim.burstLeft = now == Drift.CONCEPT ? 6 + random.nextInt(5) : 3 + random.nextInt(4);
                bursting.add(victim);
            }
        }
        Map<String, Object> attributes = new HashMap<>();
        double label;
        Card card;
        if (!bursting.isEmpty() && random.nextDouble() < BURST_SHARE) {
            card = bursting.get(random.nextInt(bursting.size()));
            if (--card.burstLeft == 0) {
                bursting.remove(card);
            }
            boolean cardTesting = now == Drift.CONCEPT;
            double factor = cardTesting ? 0.1 + 0.4 * random.nextDouble() : 3 + 7 * random.nextDouble();
            attributes.put("amount", round(card.typicalAmount * factor * (now == Drift.COVARIATE ? 2.5 : 1)));
            attributes.put("online", cardTesting ? random.nextDouble() < 0.3 : random.nextDouble() < 0.85);
            attributes.put("merchant", "m-" + random.nextInt(merchants));
            label = random.nextDouble() < 0.95 ? 1 : 0;
        } else {
            card = cards.get(random.nextInt(cards.size()));
            double amount = card.typicalAmount * Math.exp(0.5 * random.nextGaussian());
            boolean online = random.nextDouble() < card.onlineShare;
            if (now == Drift.COVARIATE) {
                amount *= 2.5;
                online = random.nextDouble() < Math.min(0.95, card.onlineShare + 0.3);
            }
            attributes.put("amount", round(amount));
            attributes.put("online", online);
            attributes.put("merchant", "m-" + card.usualMerchants[random.nextInt(card.usualMerchants.length)]);
            label = random.nextDouble() < 0.003 ? 1 : 0;
        }
        String region = now == Drift.COVARIATE && random.nextDouble() < 0.5 ? pick(REGIONS, REGION_MIX_SHIFTED)
                : card.region;
        attributes.put("region", region);
        attributes.put("device", card.device);
        sequence++;
        return new SimEvent(useCase(), source(), "txn-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE)
                + "-" + sequence, card.id, eventTime, attributes, label);
    }

    private String pick(String[] values, double[] weights) {
        double u = random.nextDouble();
        for (int i = 0; i < values.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
