export { startFakeGateway, type FakeGatewayOptions, type FakeStack } from './fake-gateway.js';
export { sampleResult, scaleStats } from './sample-result.js';
