/** Evaluations of a learned embedding beyond NCM: k-means + NMI, and episodic few-shot accuracy. */
export * from './nmi';
export * from './kmeans';
export * from './episodic';
export * from './embedding';
