export { startZendeskStandIn, type ZendeskStandIn, type ZendeskStandInOptions, type StandInTicket } from './zendesk-stand-in.js';
