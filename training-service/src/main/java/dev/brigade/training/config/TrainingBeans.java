package dev.brigade.training.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.EvaluationSettings;
import dev.brigade.training.client.FeatureSetCatalog;
import dev.brigade.training.service.DatasetReader;
import dev.brigade.training.service.Evaluator;

/** The plain classes the jobs use, built once from the configuration. */
@ApplicationScoped
public class TrainingBeans {

    @Produces
    @ApplicationScoped
    FeatureSetCatalog featureSetCatalog(TrainingConfig config, KafkaClients clients, TopicNames names) {
        return new FeatureSetCatalog(clients, names, config.dataset().readTimeout());
    }

    @Produces
    @ApplicationScoped
    DatasetReader datasetReader(TrainingConfig config, KafkaClients clients, TopicNames names) {
        return new DatasetReader(clients, names, config.dataset().readTimeout());
    }

    @Produces
    @ApplicationScoped
    Evaluator evaluator(TrainingConfig config) {
        TrainingConfig.Evaluation e = config.evaluation();
        return new Evaluator(new EvaluationSettings(e.calibrationBins(), e.bootstrapResamples(), e.confidence(),
                e.seed(), e.robustnessMissingShare(), e.worstKept()));
    }
}
