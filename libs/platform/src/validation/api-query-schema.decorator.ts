import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { TObject } from '@sinclair/typebox';

/**
 * Documents each property of a query schema (the one a SchemaValidationPipe checks the query against)
 * as an OpenAPI query parameter, so that the document says what the route accepts. A parameter with a
 * default is optional, whatever the schema's `required` says.
 */
export function ApiQuerySchema(schema: TObject): MethodDecorator {
  const required = new Set(schema.required ?? []);
  return applyDecorators(
    ...Object.entries(schema.properties).map(([name, property]) =>
      ApiQuery({ name, required: required.has(name) && !('default' in property), schema: property as SchemaObject }),
    ),
  );
}
