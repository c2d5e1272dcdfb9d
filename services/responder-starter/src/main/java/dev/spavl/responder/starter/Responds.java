package dev.spavl.responder.starter;

import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the catalog model a {@link ModelResponder} bean answers for. The responder's lane of a model whose
 * catalog entry says {@code provider: custom} calls the bean qualified with its id:
 *
 * <pre>{@code
 * @ApplicationScoped
 * @Responds("my-model")
 * public class MyModel implements ModelResponder { ... }
 * }</pre>
 *
 * A bean needs a scope annotation (e.g. {@code @ApplicationScoped}) to be discovered; a producer method
 * annotated {@code @Produces @Responds("my-model")} works as well. At most one bean per id.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface Responds {

    /** The model id, as in the catalog and in {@code <prefix>.requests.<model id>}. */
    String value();
}
