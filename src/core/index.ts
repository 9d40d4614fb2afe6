/**
 * The REFILLED engine's public API: pure functions of tensors (the miner, the stage-1 and
 * stage-2 losses, the baselines' losses, frozen-embedding classifiers) and the trainer that
 * runs a whole experiment from a config. Runs on any tfjs backend, in Node and in a worker.
 */
export * from './losses';
export { normalizedMutualInformation, kMeans, l2NormaliseRows, episodicAccuracy, sampleEpisode, evaluateEmbedding, DEFAULT_EPISODES, type EmbeddingEvaluation, type KMeansResult, type Episode } from './eval';
export { ConvNet, blockChannels, BASE_CHANNELS, IMAGE_SHAPE, type ConvNetSpec } from './model/convnet';
export { conv3x3, autoConvGradient, patchesTransposed3x3, type ConvGradientMode } from './model/conv';
export { teacherFromLayersModel, loadLayersModel, layersModelFiles, TeacherError, type Teacher, type TeacherMetadata } from './model/teacher';
export { Experiment, DivergenceError, type ExperimentHooks, type ExperimentOptions } from './trainer/experiment';
export { Optimizer, learningRateAt, type OptimizerSpec } from './trainer/optimizer';
export { trainSupervised, predictClasses, type SupervisedOutcome } from './trainer/supervised';
export { TEACHER_TRAINING, selectClassImages, headAccuracy, teacherNcmAccuracy, type ClassImages, type LabelledBytes } from './trainer/teacherCard';
export { AssetCache, createExperiment, loadShippedTeacher, checkTeacherFits, type AssetSource } from './run';
export { loadDataset, httpFetchBytes, DatasetError, type Dataset, type FetchBytes } from './data/loader';
export { sampleExperimentSplits, SplitError, type ExperimentSplits } from './data/splits';
