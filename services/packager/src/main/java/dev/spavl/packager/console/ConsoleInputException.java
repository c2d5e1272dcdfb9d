package dev.spavl.packager.console;

/** A request the console cannot serve as asked (unknown topic, offset out of range, ...): the HTTP status and why. */
public class ConsoleInputException extends RuntimeException {

    private final int status;
    private final String title;
    private final java.util.Map<String, Object> extra;

    public ConsoleInputException(int status, String title, String detail) {
        this(status, title, detail, java.util.Map.of());
    }

    public ConsoleInputException(int status, String title, String detail, java.util.Map<String, Object> extra) {
        super(detail);
        this.status = status;
        this.title = title;
        this.extra = extra;
    }

    /** More members of the problem document (e.g. the earlier replay of a record). */
    public java.util.Map<String, Object> extra() {
        return extra;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    static ConsoleInputException notFound(String title, String detail) {
        return new ConsoleInputException(404, title, detail);
    }

    static ConsoleInputException badRequest(String title, String detail) {
        return new ConsoleInputException(400, title, detail);
    }
}
