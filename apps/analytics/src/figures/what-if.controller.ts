import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, Roles } from '@app/auth';
import { EXPERIENCE_DIMENSIONS, experienceGaps, whatIf, whatIfProblems, type WhatIfInput } from '@app/domain';
import { SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import { FiguresService } from './figures.service';

const Amount = Type.Number({ minimum: -1e15, maximum: 1e15 });
const WhatIfBody = Type.Object(
  {
    annualRevenue: Type.Optional(Amount),
    negativeExperienceShare: Type.Optional(Amount),
    complaintRate: Type.Optional(Amount),
    complainantOutcomes: Type.Optional(Type.Object({ retained: Amount, atRisk: Amount, lost: Amount }, { additionalProperties: false })),
    silentOutcomes: Type.Optional(Type.Object({ atRisk: Amount, lost: Amount }, { additionalProperties: false })),
    tellsIfSatisfied: Type.Optional(Amount),
    tellsIfDissatisfied: Type.Optional(Amount),
  },
  { additionalProperties: false, title: 'WhatIfRequest' },
);

const GapsBody = Type.Array(
  Type.Object(
    {
      dimension: Type.Union(EXPERIENCE_DIMENSIONS.map((dimension) => Type.Literal(dimension))),
      experience: Type.Number({ minimum: -1e6, maximum: 1e6 }),
      expectation: Type.Number({ minimum: -1e6, maximum: 1e6 }),
      importance: Type.Number({ minimum: 0, maximum: 1e6 }),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 10_000, title: 'DimensionScores' },
);

/**
 * Scenario mode: the source documents' reasoning computed from given figures, each omitted one taking
 * its configured default. Everything here is an assumption by construction.
 */
@ApiTags('analytics')
@ApiJwtAuth()
@Controller('analytics')
export class WhatIfController {
  constructor(private readonly figures: FiguresService) {}

  @Post('what-if')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Revenue lost and at risk, and the word-of-mouth break-even, from given figures (defaults for the others)' })
  @ApiBody({ schema: WhatIfBody as object })
  compute(@Body(new SchemaValidationPipe(WhatIfBody)) body: Static<typeof WhatIfBody>) {
    const { scenario, settings } = this.figures;
    const defaults: WhatIfInput = {
      annualRevenue: settings.annualRevenue,
      negativeExperienceShare: settings.negativeExperienceShare,
      complaintRate: scenario.complaintRate,
      complainantOutcomes: scenario.complainantOutcomes,
      silentOutcomes: scenario.silentOutcomes,
      tellsIfSatisfied: scenario.wordOfMouth.tellsIfSatisfied,
      tellsIfDissatisfied: scenario.wordOfMouth.tellsIfDissatisfied,
    };
    const input: WhatIfInput = { ...defaults, ...body };
    const problems = whatIfProblems(input);
    if (problems.length > 0) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        reason: 'invalid_figures',
        message: problems.map((problem) => `${problem.path} ${problem.message}`).join('; '),
        errors: problems,
      });
    }
    const defaulted = (Object.keys(defaults) as Array<keyof WhatIfInput>).filter((key) => body[key] === undefined);
    return { basis: 'assumption', input, defaulted, result: whatIf(input) };
  }

  @Post('experience-gaps/what-if')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Gaps, weighted gaps and the key experience of given dimension scores' })
  @ApiBody({ schema: GapsBody as object })
  gaps(@Body(new SchemaValidationPipe(GapsBody)) body: Static<typeof GapsBody>) {
    return { basis: 'assumption', ...experienceGaps(body) };
  }
}
