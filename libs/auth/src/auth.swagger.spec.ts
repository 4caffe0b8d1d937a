import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ConfigModule } from '@app/config';
import { AuthModule } from './auth.module';
import { ApiJwtAuth, BEARER_AUTH_SCHEME, withBearerAuth } from './auth.swagger';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';
import { authTestConfig } from './testing';

@ApiJwtAuth()
@Controller('complaints')
class DocumentedController {
  @Roles('ops')
  @Get('breaches')
  breaches(): string[] {
    return [];
  }
}

@Public()
@Controller('health')
class HealthController {
  @Get()
  health(): string {
    return 'ok';
  }
}

describe('OpenAPI description of auth', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(authTestConfig()), AuthModule.forRoot()],
      controllers: [DocumentedController, HealthController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    document = SwaggerModule.createDocument(app, withBearerAuth(new DocumentBuilder().setTitle('test')).build());
  });

  afterAll(async () => {
    await app.close();
  });

  it('declares the bearer scheme', () => {
    expect(document.components?.securitySchemes?.[BEARER_AUTH_SCHEME]).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('marks protected operations with the scheme and documents their 401 and 403 answers', () => {
    const operation = document.paths['/complaints/breaches']?.get;
    expect(operation?.security).toEqual([{ [BEARER_AUTH_SCHEME]: [] }]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('leaves public operations without a security requirement', () => {
    expect(document.paths['/health']?.get?.security).toBeUndefined();
  });
});
