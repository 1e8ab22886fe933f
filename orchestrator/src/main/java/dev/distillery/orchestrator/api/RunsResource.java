package dev.distillery.orchestrator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.orchestrator.judging.JudgeOverview;
import dev.distillery.orchestrator.judging.JudgeOverviews;
import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.spec.SpecException;
import dev.distillery.orchestrator.store.EventRecord;
import dev.distillery.orchestrator.store.MetricPoint;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.StageRecord;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The REST API of {@code distillery serve}: runs, their stages and counters, samples of each stage's records (paged),
 * metric series, events (a page, or server-sent events with history replay), the judges' score histograms and
 * report cards, the study reports of {@code report} stages, and starting and cancelling runs.
 */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    /** How often the event stream looks for new events in the store. */
    private static final long EVENT_POLL_MS = 300;

    @Inject
    RunService service;

    /** {@code {"spec": "path/to/pipeline.yaml"}} */
    public record StartRequest(String spec) {
    }

    public record Started(String id) {
    }

    /** One record of a stage's output, with its line number (the page cursor). */
    public record Sample(long line, JsonNode record) {
    }

    /**
     * A {@code report} stage's output: its {@code report.json} as written ({@code report}) and its Markdown table, or
     * {@code error} (and no report) when the file cannot be served, e.g. a link that leaves the run directory.
     */
    public record StageReport(String stage, String status, JsonNode report, String markdown, String error) {
    }

    /**
     * One stage of the run's pipeline as its spec declares it, in spec order: what the dashboard's stage graph draws
     * (a node per stage, an edge from each of {@code inputs} to it). Stages that have not started yet are listed too,
     * which the store's stage list cannot do.
     */
    public record GraphStage(String name, String kind, List<String> inputs) {
    }

    /** The files a {@code report} stage writes to its stage directory (ReportRunner's JSON and MARKDOWN). */
    private static final String REPORT_JSON = "report.json", REPORT_MARKDOWN = "report.md";

    @GET
    public List<RunRecord> runs() {
        return service.store().listRuns();
    }

    @POST
    public Started start(StartRequest request) {
        if (request == null || request.spec() == null || request.spec().isBlank()) {
            throw badRequest("body must be {\"spec\": \"path/to/pipeline.yaml\"}");
        }
        try {
            return new Started(service.start(java.nio.file.Path.of(request.spec())));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    @GET
    @Path("/{id}")
    public RunRecord run(@PathParam("id") String id) {
        return service.store().run(id).orElseThrow(() -> new NotFoundException(jakarta.ws.rs.core.Response.status(404)
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "no run '" + id + "'")).build()));
    }

    @GET
    @Path("/{id}/stages")
    public List<StageRecord> stages(@PathParam("id") String id) {
        run(id);
        return service.store().stages(id);
    }

    @POST
    @Path("/{id}/cancel")
    public Map<String, String> cancel(@PathParam("id") String id) throws IOException {
        RunRecord r = run(id);
        Files.writeString(r.runDir().resolve(PipelineRuns.CANCEL), "requested\n");
        return Map.of("status", "cancel requested");
    }

    /** Records of a stage, {@code limit} from line {@code offset} (0-based), optionally only those with a score. */
    @GET
    @Path("/{id}/samples")
    public List<Sample> samples(@PathParam("id") String id, @QueryParam("stage") String stage,
                                @QueryParam("offset") @DefaultValue("0") long offset,
                                @QueryParam("limit") @DefaultValue("20") int limit,
                                @QueryParam("score") String score) {
        run(id);
        if (stage == null) throw badRequest("query parameter 'stage' is required");
        if (offset < 0 || limit < 1 || limit > 500) throw badRequest("offset >= 0 and 1 <= limit <= 500");
        java.nio.file.Path file;
        try {
            // The run directory refuses paths that leave it: a stage name cannot reach other files.
            file = service.store().runDirectory(id).stageDir(stage).resolve("records.jsonl");
        } catch (IllegalArgumentException e) { // UnsafePathException among them
            throw badRequest(e.getMessage());
        }
        if (!Files.exists(file)) throw new NotFoundException("stage '" + stage + "' has no records");
        List<Sample> out = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file)) {
            long[] n = {-1};
            lines.peek(l -> n[0]++).skip(offset).forEach(l -> {
                if (out.size() >= limit) return;
                JsonNode r = Json.tree(parse(l));
                if (score == null || r.path("scores").has(score)) out.add(new Sample(n[0], r));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The run's stages as its spec declares them, for the dashboard's stage graph (see {@link GraphStage}). */
    @GET
    @Path("/{id}/graph")
    public List<GraphStage> graph(@PathParam("id") String id) {
        run(id);
        return runSpec(id).stages().stream().map(s -> new GraphStage(s.name(), s.kind(), s.inputs())).toList();
    }

    /** The run's own copy of its spec (the file in the run directory, not the one it was started from). */
    private PipelineSpec runSpec(String id) {
        try {
            return PipelineSpecs.read(service.store().runDirectory(id).specFile(), SpecCatalog.offline());
        } catch (SpecException e) {
            throw new jakarta.ws.rs.InternalServerErrorException(jakarta.ws.rs.core.Response.status(500)
                    .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "run '" + id + "': " + e.getMessage())).build());
        }
    }

    /**
     * Every judge stage of the run: its scores with server-side histograms, pass/fail/failure counts, and report cards
     * against a reference on the same records (the {@code reference} parameters, or the automatic choice described
     * in {@link JudgeOverviews}). At most {@code limit} records of each stage are read.
     */
    @GET
    @Path("/{id}/judges")
    public JudgeOverview judges(@PathParam("id") String id, @QueryParam("limit") @DefaultValue("10000") long limit,
                                @QueryParam("reference") List<String> references,
                                @QueryParam("resamples") @DefaultValue("1000") int resamples) {
        run(id);
        if (limit < 1 || limit > 200_000) throw badRequest("1 <= limit <= 200000");
        if (resamples < 0 || resamples > 10_000) throw badRequest("0 <= resamples <= 10000");
        var dir = service.store().runDirectory(id);
        // The run's own copy of its spec: which stages judge, with which judge, and what the filters keep.
        PipelineSpec spec = runSpec(id);
        Map<String, String> statuses = service.store().stages(id).stream()
                .collect(Collectors.toMap(StageRecord::name, s -> s.status().name(), (a, b) -> b));
        return JudgeOverviews.builder(dir, spec).limit(limit).references(references).resamples(resamples).build()
                .compute(id, statuses);
    }

    /**
     * The study report of every {@code report} stage of the run that has written one, in stage order. Paths go through
     * the run directory, which refuses any that would leave it (a symbolic link included): such a report is listed
     * with an {@code error} instead of its content.
     */
    @GET
    @Path("/{id}/reports")
    public List<StageReport> reports(@PathParam("id") String id) {
        run(id);
        var dir = service.store().runDirectory(id);
        List<StageReport> out = new ArrayList<>();
        for (StageRecord s : service.store().stages(id)) {
            if (!s.kind().equals("report")) continue;
            String status = s.status().name();
            java.nio.file.Path json, markdown;
            try {
                dir.stageDir(s.name()); // the stage name must be one plain segment
                json = dir.resolve("stages/" + s.name() + "/" + REPORT_JSON);
                markdown = dir.resolve("stages/" + s.name() + "/" + REPORT_MARKDOWN);
            } catch (IllegalArgumentException e) { // UnsafePathException among them
                out.add(new StageReport(s.name(), status, null, null, e.getMessage()));
                continue;
            }
            if (!Files.isRegularFile(json)) continue; // not written yet (or the stage failed before writing)
            try {
                out.add(new StageReport(s.name(), status, Json.MAPPER.readTree(json.toFile()),
                        Files.isRegularFile(markdown) ? Files.readString(markdown) : null, null));
            } catch (IOException e) {
                out.add(new StageReport(s.name(), status, null, null,
                        "cannot read " + REPORT_JSON + " of stage '" + s.name() + "': " + e.getMessage()));
            }
        }
        return out;
    }

    @GET
    @Path("/{id}/metrics")
    public List<MetricPoint> metrics(@PathParam("id") String id, @QueryParam("stage") String stage,
                                     @QueryParam("series") String series) {
        run(id);
        if (stage == null || series == null) throw badRequest("query parameters 'stage' and 'series' are required");
        return service.store().metrics(id, stage, series);
    }

    @GET
    @Path("/{id}/events")
    public List<EventRecord> events(@PathParam("id") String id, @QueryParam("after") @DefaultValue("0") long after,
                                    @QueryParam("limit") @DefaultValue("500") int limit) {
        run(id);
        return service.store().eventsSince(id, after, Math.min(Math.max(limit, 1), 5000));
    }

    /**
     * Server-sent events: every event of the run after {@code Last-Event-ID} (or {@code ?after=}), then new ones as
     * they happen; the stream ends after the run finished and its last event was sent. The SSE id is the event's
     * sequence number, so a reconnecting client resumes where it left.
     */
    @GET
    @Path("/{id}/events/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@PathParam("id") String id, @HeaderParam("Last-Event-ID") Long lastEventId,
                                          @QueryParam("after") @DefaultValue("0") long after, @Context Sse sse) {
        run(id);
        long start = lastEventId != null ? lastEventId : after;
        return Multi.createFrom().emitter(em -> Thread.ofVirtual().name("sse-" + id).start(() -> {
            long cursor = start;
            try {
                while (!em.isCancelled()) {
                    boolean finished = service.store().run(id).map(r -> r.status().isFinal()).orElse(true);
                    List<EventRecord> batch = service.store().eventsSince(id, cursor, 500);
                    for (EventRecord e : batch) {
                        em.emit(sse.newEventBuilder().id(Long.toString(e.seq())).name(e.type())
                                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(e).build());
                        cursor = e.seq();
                    }
                    if (batch.isEmpty() && finished) {
                        em.complete();
                        return;
                    }
                    if (batch.isEmpty()) Thread.sleep(EVENT_POLL_MS);
                }
            } catch (InterruptedException e) {
                em.complete();
            } catch (RuntimeException e) {
                em.fail(e);
            }
        }));
    }

    /** A 400 whose body says what is wrong (a bad spec lists every problem with its line). */
    private static BadRequestException badRequest(String message) {
        return new BadRequestException(jakarta.ws.rs.core.Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build());
    }

    private static Object parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
