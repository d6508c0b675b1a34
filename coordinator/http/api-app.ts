/** The REST API: routes, request validation at the edge, one error mapping. */
import cors from 'cors';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import {
  MAX_CHUNKS,
  MIN_N,
  Method,
  rangeJobRequestSchema,
  checkCountPrimesRequest,
  countPrimesRequestSchema,
  methodFor,
  parseU64Field,
  validationDetails,
  type ErrorBody,
  type Health,
  type JobAccepted,
  type ServiceInfo,
} from '../../shared/api.js';
import { AppError, ErrorCode, HTTP_STATUS } from '../errors.js';
import { cancelJob } from '../jobs/cancel-job.js';
import { createJob } from '../jobs/create-job.js';
import { viewJob } from '../jobs/job-view.js';
import type { Domain } from '../model.js';
import type { SwarmSnapshot } from '../swarm-stats.js';
import { bearerTokenCheck } from './bearer-token.js';
import { buildOpenApiDocument } from './openapi.js';
import { COMBINATORIAL, combinatorialChunkLimit, combinatorialParams } from '../../shared/kinds/combinatorial/job-kind.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { PRIME_COUNT } from '../../shared/kinds/prime-count/index.js';
import {
  PRIME_COUNT_COMBINATORIAL,
  primeCountCombinatorialChunkLimit,
  primeCountCombinatorialParams,
} from '../../shared/kinds/prime-count-combinatorial/index.js';
import { rangeMethodFor } from '../../shared/kinds/prime-count-combinatorial/method.js';
import { toU64Json } from '../../shared/kinds/u64-json.js';

export interface ApiOptions {
  domain: Domain;
  /** The swarm's numbers (/health), counted at most once a second. */
  swarm: SwarmSnapshot;
  /** MAX_N: the largest n of any method. */
  maxN: bigint;
  maxActiveJobs: number;
  submitsPerMinute: number;
  apiToken: string | undefined;
  isAllowedOrigin(origin: string): boolean;
  logger: Logger;
  version: string;
  startedAt: number;
  metrics: Registry;
  /** The one-file worker (dist/worker.mjs), served at /worker.mjs when built. */
  workerScript?: string | undefined;
}

const BODY_LIMIT = '16kb';

export function createApiApp(options: ApiOptions): express.Express {
  const { domain: d } = options;
  const app = express();
  const submitSchema = countPrimesRequestSchema(options.maxN);
  const rangeSubmitSchema = rangeJobRequestSchema(options.maxN);
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin === undefined || options.isAllowedOrigin(origin)),
      allowedHeaders: ['Content-Type', 'Authorization'],
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    }),
  );
  app.use(express.json({ limit: BODY_LIMIT, strict: false, type: 'application/json' }));

  const tokenMatches = options.apiToken === undefined ? undefined : bearerTokenCheck(options.apiToken);
  const requireToken = (req: Request, _res: Response, next: NextFunction) => {
    if (tokenMatches === undefined) return next();
    if (tokenMatches(req.get('authorization'))) return next();
    next(new AppError(ErrorCode.Unauthorized, 'this call needs the header Authorization: Bearer <API_TOKEN>'));
  };

  const submitLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.submitsPerMinute,
    skip: () => options.submitsPerMinute === 0,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next, limiterOptions) => {
      next(
        new AppError(ErrorCode.RateLimited, `at most ${options.submitsPerMinute} submissions per minute per client`, {
          retryAfterSec: Math.ceil(limiterOptions.windowMs / 1000),
        }),
      );
    },
  });

  app.get('/', (_req, res) => {
    const info: ServiceInfo = {
      name: 'distributed-prime-counter',
      version: options.version,
      docs: '/docs',
      openapi: '/openapi.json',
      health: '/health',
      limits: { min_n: MIN_N, max_n: toU64Json(options.maxN), max_chunks: MAX_CHUNKS },
    };
    res.json(info);
  });

  app.get('/health', (_req, res) => {
    const stats = options.swarm.current();
    const health: Health = {
      status: 'ok',
      workers: stats.volunteers,
      threads: stats.threads,
      browsers: stats.browsers,
      nodes: stats.nodes,
      active_jobs: stats.activeJobs,
      uptime_sec: Math.round((Date.now() - options.startedAt) / 1000),
    };
    res.json(health);
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });

  app.get('/worker.mjs', (_req, res) => {
    if (options.workerScript === undefined) {
      throw new AppError(ErrorCode.NotFound, 'the one-file worker has not been built: run `npm run build` on the coordinator');
    }
    res.type('text/javascript').sendFile(options.workerScript);
  });

  const openApiDocument = buildOpenApiDocument(options.version, options.maxN, options.apiToken !== undefined);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument));

  const refuseOverActiveLimit = () => {
    if (options.maxActiveJobs > 0 && d.active.size >= options.maxActiveJobs) {
      throw new AppError(
        ErrorCode.TooManyActiveJobs,
        `at most ${options.maxActiveJobs} jobs may be active at once; retry when one has finished`,
        { retryAfterSec: 5 },
      );
    }
  };

  app.post('/api/count-primes', requireJsonBodies, requireToken, submitLimiter, async (req, res) => {
    const parsed = checkCountPrimesRequest(submitSchema, req.body);
    if (!parsed.success) throw new AppError(ErrorCode.ValidationError, 'the request body is invalid', { details: parsed.details });
    refuseOverActiveLimit();
    const n = BigInt(parsed.data.n);
    const method = methodFor(parsed.data.method ?? Method.Auto, n);
    let job;
    if (method === Method.Sieve) {
      job = createJob(d, SIEVE_COUNT, { n: Number(n) }, parsed.data.chunks);
    } else {
      // `chunks` parts of about equal cost; a plan of fewer units than that (tiny n) has as many parts as units.
      const params = combinatorialParams(n, parsed.data.chunks);
      job = createJob(d, COMBINATORIAL, params, Math.min(parsed.data.chunks, combinatorialChunkLimit(params)));
    }
    options.logger.info({ jobId: job.id, kind: job.kind, n: toU64Json(n), chunks: job.chunks }, 'job submitted');
    const body: JobAccepted = { job_id: job.id, status: 'PENDING' };
    await d.store.flushed();
    res.status(202).location(`/api/jobs/${job.id}`).json(body);
  });

  app.post('/api/jobs', requireJsonBodies, requireToken, submitLimiter, async (req, res) => {
    const parsed = rangeSubmitSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new AppError(ErrorCode.ValidationError, 'the request body is invalid', {
        details: validationDetails(parsed.error),
      });
    }
    refuseOverActiveLimit();
    const { kind, chunks } = parsed.data;
    // The schema has checked both (and that the method can serve them): they parse.
    const [from, to] = [parseU64Field(parsed.data.from)!, parseU64Field(parsed.data.to)!];
    let job;
    if (kind === PRIME_COUNT && rangeMethodFor(parsed.data.method ?? Method.Auto, from, to, options.maxN) === Method.Combinatorial) {
      // pi(to) - pi(from - 1): `chunks` parts of about equal cost, fewer when the plans have fewer units.
      const params = primeCountCombinatorialParams(from, to, chunks);
      job = createJob(d, PRIME_COUNT_COMBINATORIAL, params, Math.min(chunks, primeCountCombinatorialChunkLimit(params)));
    } else {
      job = createJob(d, kind, { from: toU64Json(from), to: toU64Json(to) }, chunks);
    }
    options.logger.info({ jobId: job.id, kind: job.kind, from: toU64Json(from), to: toU64Json(to), chunks: job.chunks }, 'job submitted');
    const body: JobAccepted = { job_id: job.id, status: 'PENDING' };
    await d.store.flushed();
    res.status(202).location(`/api/jobs/${job.id}`).json(body);
  });

  // The store batches writes: an answer is sent once what it shows is durable, so nothing a
  // client has seen (a job id, a chunk counted) is lost if the coordinator crashes after it.
  app.get('/api/jobs', async (req, res) => {
    const limit = parseLimit(req.query['limit']);
    const jobs = [...d.jobs.values()]
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, limit)
      .map((job) => viewJob(d, job));
    await d.store.flushed();
    res.json({ jobs });
  });

  const findJob = (req: Request) => {
    const jobId = String(req.params['jobId']);
    return d.jobs.get(jobId) ?? raise(new AppError(ErrorCode.NotFound, `no job with id ${jobId}`));
  };

  app.get('/api/jobs/:jobId', async (req, res) => {
    const view = viewJob(d, findJob(req));
    await d.store.flushed();
    res.json(view);
  });

  app.delete('/api/jobs/:jobId', requireToken, async (req, res) => {
    const existing = findJob(req);
    if (!d.active.has(existing.id)) {
      throw new AppError(ErrorCode.Conflict, `job ${existing.id} has already ended in ${existing.state}`);
    }
    const cancelled = cancelJob(d, existing.id)!;
    // The store batches writes: the answer waits until the cancellation is durable.
    await d.store.flushed();
    res.json(viewJob(d, cancelled));
  });

  // A known path asked with another method: 405 and the methods it has.
  for (const [route, methods] of Object.entries(ROUTE_METHODS)) {
    app.all(route, (req, res, next) => {
      res.set('Allow', methods.join(', '));
      next(new AppError(ErrorCode.MethodNotAllowed, `${req.method} is not allowed on ${req.path}; allowed: ${methods.join(', ')}`));
    });
  }

  app.use((req, _res, next) => {
    next(new AppError(ErrorCode.NotFound, `no route ${req.method} ${req.path}`));
  });

  app.use(errorHandler(options.logger));
  return app;
}

/** Every route and its methods (a GET route answers HEAD too); OPTIONS is CORS's. */
const ROUTE_METHODS: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/health': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
  '/openapi.json': ['GET', 'HEAD'],
  '/worker.mjs': ['GET', 'HEAD'],
  '/api/count-primes': ['POST'],
  '/api/jobs': ['GET', 'HEAD', 'POST'],
  '/api/jobs/:jobId': ['GET', 'HEAD', 'DELETE'],
};

const MAX_LIST_LIMIT = 100;

/** `?limit=`: absent means 20; anything but a whole number from 1 to 100 is refused. */
function parseLimit(value: unknown): number {
  if (value === undefined) return 20;
  const limit = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (limit >= 1 && limit <= MAX_LIST_LIMIT) return limit;
  const message = `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`;
  throw new AppError(ErrorCode.ValidationError, 'the query is invalid', { details: [{ field: 'limit', message }] });
}

/**
 * Every POST body must be declared JSON. A browser sends `text/plain` (or form) bodies across
 * origins without asking (no CORS preflight), so accepting them would let any site submit jobs.
 */
function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const mediaType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return next();
  next(
    new AppError(ErrorCode.UnsupportedMediaType, 'request bodies must be JSON: send Content-Type: application/json', {
      details: [{ field: 'content-type', message: `content-type must be application/json, not ${mediaType || 'missing'}` }],
    }),
  );
}

function raise(error: AppError): never {
  throw error;
}

/** Maps every error to a JSON body and a status from the one table in errors.ts. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const appError = toAppError(error);
    if (appError.code === ErrorCode.Internal) logger.error({ err: error }, 'request failed');
    const body: ErrorBody = { error: appError.code, message: appError.message };
    if (appError.details) body.details = appError.details;
    if (appError.retryAfterSec !== undefined) res.set('Retry-After', String(appError.retryAfterSec));
    res.status(HTTP_STATUS[appError.code]).json(body);
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    return new AppError(ErrorCode.PayloadTooLarge, `request bodies are limited to ${BODY_LIMIT}`, { cause: error });
  }
  if (type === 'entity.parse.failed') {
    return new AppError(ErrorCode.MalformedJson, 'the request body is not valid JSON', {
      cause: error,
      details: [{ field: 'body', message: 'body must be valid JSON' }],
    });
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(ErrorCode.ValidationError, 'the request could not be read', {
      cause: error,
      details: [{ field: 'body', message: String((error as Error).message) }],
    });
  }
  return new AppError(ErrorCode.Internal, 'internal error', { cause: error });
}
