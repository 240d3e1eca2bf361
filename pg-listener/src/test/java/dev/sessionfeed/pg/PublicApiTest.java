package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's public surface is exactly the list in docs/api/pg-listener.md, and no public member of it mentions an
 * internal type.
 */
class PublicApiTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final Path DOC = Path.of("../docs/api/pg-listener.md");
    private static final List<String> EXPORTED = List.of("dev.sessionfeed.pg");
    private static final Pattern LISTED = Pattern.compile("^- `([\\w.]+)`", Pattern.MULTILINE);

    private static List<Class<?>> publicTypes() throws IOException {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : EXPORTED) {
            Path dir = CLASSES.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList())) {
                    String simple = f.getFileName().toString().replace(".class", "");
                    if (simple.equals("module-info") || simple.equals("package-info")) {
                        continue;
                    }
                    Class<?> c;
                    try {
                        c = Class.forName(pkg + "." + simple, false, PublicApiTest.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError("cannot load " + f, e);
                    }
                    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
                        continue;
                    }
                    if (isPubliclyReachable(c)) {
                        types.add(c);
                    }
                }
            }
        }
        return types;
    }

    private static boolean isPubliclyReachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> documented() throws IOException {
        Matcher m = LISTED.matcher(Files.readString(DOC));
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void publicTypesAreExactlyTheDocumentedList() throws IOException {
        Set<String> compiled = publicTypes().stream().map(Class::getCanonicalName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(compiled).isNotEmpty();
        assertThat(compiled).isEqualTo(documented());
    }

    @Test
    void noPublicMemberMentionsAnInternalType() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : publicTypes()) {
            List<Type> mentioned = new ArrayList<>();
            if (c.getGenericSuperclass() != null) {
                mentioned.add(c.getGenericSuperclass());
            }
            mentioned.addAll(List.of(c.getGenericInterfaces()));
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                    mentioned.add(m.getGenericReturnType());
                    mentioned.addAll(List.of(m.getGenericParameterTypes()));
                    mentioned.addAll(List.of(m.getGenericExceptionTypes()));
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
                    mentioned.addAll(List.of(k.getGenericParameterTypes()));
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
                    mentioned.add(f.getGenericType());
                }
            }
            for (Type t : mentioned) {
                if (t.getTypeName().contains(".internal.")) {
                    leaks.add(c.getName() + " mentions " + t.getTypeName());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }
}
