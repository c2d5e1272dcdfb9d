package dev.spavl.examples.javaresponder;

import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.responder.starter.ModelResponder;
import dev.spavl.responder.starter.Question;
import dev.spavl.responder.starter.Responds;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A trivial, deterministic local "model" for the catalog entry {@code java-facts} (provider custom): it refuses
 * prompts that contain one of the configured words, and otherwise answers with what it can measure in the picture
 * (size and brightness). No network, no GPU. It is not a vision-language model, so its answers are marked simulated.
 * Replace the body of {@link #answer} with a call to your model.
 */
@ApplicationScoped
@Responds("java-facts")
public class ImageFactsResponder implements ModelResponder {

    private final List<String> refused;

    public ImageFactsResponder(@ConfigProperty(name = "java-facts.refuse-words") List<String> refused) {
        this.refused = refused.stream().map(w -> w.trim().toLowerCase(Locale.ROOT)).filter(w -> !w.isEmpty()).toList();
    }

    @Override
    public Answer answer(Question question, Image image) {
        String prompt = question.text().toLowerCase(Locale.ROOT);
        String text = refused.stream().filter(prompt::contains).findFirst()
                .map(word -> "I can't help with that: the request is about " + word + ", and details could cause real harm.")
                .orElseGet(() -> describe(question, picture(image)));
        return Answer.of(text).withUsage(words(question.text()), words(text)).withFinishReason("stop").asSimulated();
    }

    private static BufferedImage picture(Image image) {
        try {
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image.bytes()));
            if (picture == null) {
                // permanent: the same bytes fail again, so the lane publishes FAILED at once instead of retrying
                throw new ModelFailure.ClientError("no image reader for " + image.mimeType() + " (" + image.size() + " bytes)");
            }
            return picture;
        } catch (IOException e) {
            throw new ModelFailure.ClientError("unreadable " + image.mimeType() + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Question question, BufferedImage picture) {
        long sum = 0;
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                int rgb = picture.getRGB(x, y);
                sum += ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
            }
        }
        double brightness = sum / (3.0 * 255 * picture.getWidth() * picture.getHeight());
        String tone = brightness < 0.35 ? "mostly dark" : brightness > 0.65 ? "mostly bright" : "of medium brightness";
        String opening = question.type() == Question.Type.HARD_STATEMENT ? "Noted." : "I can only tell what the pixels show.";
        return String.format(Locale.ROOT, "%s The picture is %d x %d pixels and %s (mean brightness %.2f).", opening,
                picture.getWidth(), picture.getHeight(), tone, brightness);
    }

    private static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
