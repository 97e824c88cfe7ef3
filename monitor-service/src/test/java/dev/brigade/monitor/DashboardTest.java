package dev.brigade.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.TaskType;
import dev.brigade.monitor.support.Fixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The ops dashboard rendered by a real browser (Debian's headless Chromium through its chromedriver) over data that
 * went through the whole station: it must draw the charts with the values, the loop with owners, the alert with its
 * owner and playbook, and the training run's loss curve. A screenshot is kept under target/.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(dev.brigade.monitor.support.RegistryStandIn.class)
class DashboardTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String UC = "card-fraud-dash";
    static final long BASE = Instant.parse("2026-11-22T09:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @TestHTTPResource("/")
    URL dashboard;

    @Test
    void theDashboardDrawsTheStationsDataInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipped: Debian's chromium and chromium-driver are not installed (/usr/bin/chromium, "
                        + "/usr/bin/chromedriver); .ci/run installs them with apt-get install -y chromium chromium-driver");

        // Given a use case with a champion and a canary, eight windows (drift from the fifth), labels, skew and a run
        seed();
        List<WindowSummary> windows = MonitorFlowTest.awaitWindows(UC, 16);
        assertThat(windows.stream().filter(w -> w.version() == 1)).extracting(WindowSummary::predictions)
                .containsOnly(1080L);

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        Path profile = Files.createTempDirectory("chromium-profile");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1600,2800");
        WebDriver browser = new ChromeDriver(options);
        try {
            browser.manage().window().setSize(new Dimension(1600, 2800));
            // When the dashboard is opened and the use case chosen
            browser.get(dashboard.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> !browser
                    .findElements(By.cssSelector("#use-cases button[data-use-case='" + UC + "']")).isEmpty());
            browser.findElement(By.cssSelector("#use-cases button[data-use-case='" + UC + "']")).click();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.findElement(By.cssSelector("#use-cases button.active")).getText()).startsWith(UC);
                assertThat(browser.findElements(By.cssSelector("#chart-volume svg rect.bar"))).hasSizeGreaterThan(8);
                assertThat(browser.findElements(By.cssSelector("#runs .run svg path.loss"))).isNotEmpty();
                assertThat(browser.findElements(By.cssSelector("#alerts-table .alert-row"))).isNotEmpty();
            });

            // Then the loop names each stage's owner from the spec
            assertThat(text(browser, "#loop .stage[data-stage='monitor'] .owner")).isEqualTo("risk-platform-oncall");
            assertThat(text(browser, "#loop .stage[data-stage='training'] .owner")).isEqualTo("fraud-ml-team");
            // the volume chart has a bar per window and version (canary traffic beside the champion's)
            List<WebElement> bars = browser.findElements(By.cssSelector("#chart-volume svg rect.bar"));
            assertThat(bars.stream().map(b -> b.getAttribute("data-series")).distinct()).contains("v1", "v2");
            // latency p50/p95/p99, drift per feature with the drifted windows marked, performance and skew are drawn
            assertThat(browser.findElements(By.cssSelector("#chart-latency svg path.series"))).hasSize(3);
            assertThat(browser.findElements(By.cssSelector("#chart-drift svg path.series[data-series='amount']")))
                    .hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#chart-drift svg circle.marked[data-series='amount']")))
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(browser.findElements(By.cssSelector("#chart-drift svg circle.point[data-series='amount']")))
                    .hasSize(8);
            assertThat(browser.findElements(By.cssSelector("#chart-performance svg circle.point[data-series='AUC']")))
                    .isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#chart-skew svg circle.point[data-series='amount']")))
                    .isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#chart-distribution svg rect.bar"))).hasSize(20);
            // the alert with owner, severity and playbook; the versions with their aliases; the run's loss curve
            assertThat(text(browser, "#alerts-table .alert-row[data-rule='amount-drift'] .owner"))
                    .isEqualTo("fraud-ml-team");
            assertThat(browser.findElement(By.id("alerts")).getText()).contains("Compare the amount distribution");
            assertThat(text(browser, "#open-alerts")).isEqualTo("1");
            assertThat(browser.findElement(By.id("versions-table")).getText()).contains("champion").contains("canary");
            assertThat(browser.findElement(By.cssSelector("#runs .run")).getText()).contains("run-dash-1")
                    .contains("epoch 12/20");
            assertThat(text(browser, "#status")).startsWith("live");

            // And the loop's stages (from the registry) are drawn as a ring of six, met and unmet told apart; a
            // click shows a stage's criteria with their evidence (the panels redraw every 3 s: each check retries a
            // stale element)
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.findElements(By.cssSelector("#stages svg g.node")).stream()
                        .map(n -> n.getAttribute("data-stage"))).containsExactly("framing", "data", "training",
                                "evaluation", "deploy", "monitor");
                assertThat(browser.findElement(By.cssSelector("#stages g.node[data-stage='deploy']"))
                        .getAttribute("class")).contains("unmet").contains("current");
                assertThat(browser.findElement(By.cssSelector("#stages g.node[data-stage='data']"))
                        .getAttribute("class")).contains("met").doesNotContain("unmet");
            });
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                browser.findElement(By.cssSelector("#stages g.node[data-stage='deploy'] circle")).click();
                assertThat(text(browser, "#stage-detail")).contains("champion-promoted").contains("canary")
                        .contains("risk-platform-oncall");
            });
            // the worst holdout rows of the champion and the canary, from their reports
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.findElements(By.cssSelector("#holdout-worst-v1 .worst-row"))).hasSize(2);
                assertThat(text(browser, "#holdout-worst")).contains("holdout-v2-a").contains("region=eu")
                        .contains("amount=980");
            });
            // the costliest realised errors of the newest window with labels, next to the charts: real errors of
            // the data above, costliest first, with the features as served
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.findElements(By.cssSelector("#window-worst-table .worst-row")))
                        .hasSizeGreaterThanOrEqualTo(10);
                assertThat(text(browser, "#window-worst-table")).contains("false-negative").contains("amount=");
                List<Double> costs = browser.findElements(By.cssSelector("#window-worst-table .worst-row td:nth-child(4)"))
                        .stream().map(e -> Double.parseDouble(e.getText())).toList();
                assertThat(costs).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            });

            // And the data contract of the use case's feature set, from the feature-service (the stand-in): every
            // expectation with its bound and counts, the broken one marked, and its violation share over time
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(browser.findElements(By.cssSelector("#contract .contract-row"))).hasSize(6);
                assertThat(browser.findElements(By.cssSelector("#contract .contract-row.broken"))).hasSize(1);
                WebElement range = browser.findElement(By.cssSelector(
                        "#contract .contract-row.broken[data-feature='amount'][data-expectation='range']"));
                assertThat(range.getText()).contains("broken").contains("[0, 140]").contains("of 600 values break it");
                assertThat(range.getCssValue("color")).isEqualTo("rgba(255, 107, 107, 1)");
                assertThat(browser.findElement(By.cssSelector(
                        "#contract .contract-row.holds[data-feature='txn_count_10m'][data-expectation='missing']"))
                        .getText()).contains("holds").contains("missing rate at most 0.05");
                assertThat(text(browser, "#contract .contract-head")).contains("set v1").contains("1 of 6 broken")
                        .contains("spec v1").contains("champion v1");
                assertThat(browser.findElements(By.cssSelector(
                        "#chart-contract svg circle.point[data-series='amount/range']"))).hasSizeGreaterThanOrEqualTo(2);
            });
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");

            // And a screenshot is kept (and copied for the README)
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Path target = Path.of("target/dashboard.png");
            Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
            Path docs = Path.of("../docs/images");
            Files.createDirectories(docs);
            Files.copy(shot, docs.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(target)).isGreaterThan(20_000);
        } finally {
            browser.quit();
        }
    }

    private static String text(WebDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private void seed() throws Exception {
        MonitorFlowTest.awaitReady();
        Random random = new Random(3);
        Map<String, double[]> normal = Map.of("amount", new double[] {100, 20}, "txn_count_10m",
                new double[] {3, 1});
        Map<String, double[]> shifted = Map.of("amount", new double[] {125, 20}, "txn_count_10m",
                new double[] {3, 1});
        Map<String, Double> online = Map.of("online", 0.38);
        try (Fixtures kafka = new Fixtures(bootstrapServers)) {
            kafka.useCase(UC, "card-fraud.yaml", TaskType.BINARY_CLASSIFICATION);
            kafka.version(UC, 1, normal, online, Map.of("auc", 0.91, "recall", 0.72));
            kafka.version(UC, 2, normal, online, Map.of("auc", 0.915, "recall", 0.74));
            kafka.alias(UC, ModelAlias.CHAMPION, null, 1, AliasMoveKind.PROMOTE);
            kafka.alias(UC, ModelAlias.SHADOW, null, 2, AliasMoveKind.PROMOTE);
            kafka.alias(UC, ModelAlias.CANARY, null, 2, AliasMoveKind.PROMOTE);
            kafka.run(UC, "run-dash-1", 12);
            for (int w = 0; w < 8; w++) {
                for (int i = 0; i < 1200; i++) {
                    String id = UC + "-w" + w + "-" + i;
                    long t = BASE + w * MINUTE + i * 50L;
                    int version = i % 10 == 0 ? 2 : 1;
                    Map<String, Object> f = Fixtures.features(random, w < 4 ? normal : shifted, online);
                    double score = random.nextDouble();
                    kafka.prediction(Fixtures.prediction(UC, version, id, t, f, score,
                            600 + (long) (random.nextDouble() * 900) + w * 40L));
                    if (w < 7) {
                        kafka.label(UC, id, random.nextDouble() < score * 0.9 ? 1.0 : 0.0, t + MINUTE);
                    }
                    if (i < 300) {
                        Map<String, Object> offline = new HashMap<>(f);
                        if (i % (12 - w) == 0) {
                            offline.put("amount", (Double) f.get("amount") + 0.5);
                        }
                        kafka.vector(id, t, offline);
                    }
                }
                kafka.flush();
            }
        }
    }
}
