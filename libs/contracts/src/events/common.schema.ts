import { Type, type Static } from '@sinclair/typebox';

export const CHANNELS = ['hotline', 'email', 'instore'] as const;
export const Channel = Type.Union(CHANNELS.map((channel) => Type.Literal(channel)));
export type Channel = Static<typeof Channel>;

export const SEVERITIES = ['critical', 'high', 'normal', 'low'] as const;
export const Severity = Type.Union(SEVERITIES.map((severity) => Type.Literal(severity)));
export type Severity = Static<typeof Severity>;
