export * from './docker-config-json';
export * from './registry-secret';
export * from './private-registry-secret';
export * from './private-pod';
export * from './private-registry-chart';
export * from './app-environment';
