package dev.spavl.packager.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The assembled quadruples, paged, filtered by run, split and class2. */
@Path("/api/quadruples")
@Produces(MediaType.APPLICATION_JSON)
@WithSession
public class QuadrupleResource {

    private static final int MAX_SIZE = 500;
    private static final Set<String> SPLITS = Set.of("TRAIN", "VALIDATION", "TEST_HARM", "TEST_HELP");

    /** One quadruple as the API shows it. */
    public record QuadrupleView(String quadrupleId, String runId, String questionId, String pairId, String imageId,
                                String imageName, String question, String questionType, String chosen, String rejected,
                                String chosenModel, String rejectedModel, String class1, String class2, String class3,
                                String split) {
    }

    @GET
    public Uni<Response> list(@QueryParam("run") String run, @QueryParam("split") String split, @QueryParam("class2") String class2,
                              @Parameter(description = "0 to 2147483647 / size", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
                                      defaultValue = "0")) @QueryParam("page") String pageParam,
                              @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500", defaultValue = "50"))
                              @QueryParam("size") String sizeParam) {
        Paging paging = Paging.of(pageParam, sizeParam, 50, MAX_SIZE);
        String splitKey = split == null ? null : split.trim().toUpperCase().replace('-', '_');
        if (splitKey != null && !SPLITS.contains(splitKey)) {
            return Uni.createFrom().item(Problem.badParameter("split", "must be one of train, validation, test-harm, test-help; got '"
                    + split + "'"));
        }
        StringBuilder where = new StringBuilder("q.questionId = d.questionId and i.imageId = d.imageId "
                + "and ca.questionId = d.questionId and ca.modelId = d.chosenModel "
                + "and ra.questionId = d.questionId and ra.modelId = d.rejectedModel");
        Map<String, Object> params = new LinkedHashMap<>();
        if (run != null) {
            where.append(" and d.runId = :run");
            params.put("run", run);
        }
        if (splitKey != null) {
            where.append(" and d.split = :split");
            params.put("split", splitKey);
        }
        if (class2 != null) {
            where.append(" and q.class2 = :class2");
            params.put("class2", class2);
        }
        String hql = "select d.quadrupleId, d.runId, d.questionId, d.pairId, d.imageId, i.imageName, q.text, q.questionType, "
                + "ca.text, ra.text, d.chosenModel, d.rejectedModel, q.class1, q.class2, q.class3, d.split "
                + "from QuadrupleEntity d, QuestionEntity q, ImageEntity i, AnswerEntity ca, AnswerEntity ra where " + where
                + " order by d.assembledAt, d.quadrupleId";
        return Panache.getSession().flatMap(s -> {
            var query = s.createSelectionQuery(hql, Object[].class);
            params.forEach(query::setParameter);
            return query.setFirstResult(paging.offset()).setMaxResults(paging.size()).getResultList();
        }).map(rows -> {
            List<QuadrupleView> items = new ArrayList<>();
            for (Object[] r : rows) {
                items.add(new QuadrupleView((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5],
                        (String) r[6], (String) r[7], (String) r[8], (String) r[9], (String) r[10], (String) r[11], (String) r[12],
                        (String) r[13], (String) r[14], (String) r[15]));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("page", paging.page());
            body.put("size", paging.size());
            body.put("items", items);
            return Response.ok(body).build();
        });
    }
}
