using System;
using System.IO;
using Mono.Cecil;

namespace Microsoft.ML.SeqAutoencoder.Build
{
    /// <summary>
    /// Writes a copy of a .NET assembly whose non-public types and members are accessible to the C# compiler,
    /// for code that compiles against the copy and declares <c>IgnoresAccessChecksTo</c> for it at run time.
    /// </summary>
    /// <remarks>
    /// Usage: <c>Publicizer &lt;input.dll&gt; &lt;output.dll&gt;</c>. The rules:
    /// <list type="bullet">
    /// <item><description>Every type and nested type becomes public.</description></item>
    /// <item><description>Every field becomes public.</description></item>
    /// <item><description>Every non-virtual method and instance constructor becomes public.</description></item>
    /// <item><description>Every non-public virtual method becomes <c>protected</c>, not public: a derived class
    /// then writes <c>protected override</c>, where a public base method would force <c>public override</c>
    /// (CS0507).</description></item>
    /// <item><description>Properties and events have no accessibility of their own in metadata: they follow
    /// their accessors.</description></item>
    /// <item><description>Left alone: explicit interface implementations (private, named
    /// <c>Interface.Member</c>), static constructors, compiler-generated types and members (closures, state
    /// machines, backing fields, embedded attributes) and the private fields behind field-like events, which
    /// share the event's name and would make it ambiguous.</description></item>
    /// </list>
    /// The copy keeps the assembly's identity, public key included, so that other references still bind to it,
    /// but it is not signed and must never be deployed: it exists only to be compiled against. The output is
    /// written to a temporary file and moved into place, so a reader never sees a half-written file.
    /// </remarks>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("Usage: Publicizer <input.dll> <output.dll>");
                return 2;
            }

            try
            {
                Publicize(args[0], args[1]);
                return 0;
            }
            catch (Exception ex)
            {
                // MSBuild's Exec task reports lines in this "origin: error: text" form as build errors.
                Console.Error.WriteLine($"Publicizer: error: cannot publicize '{args[0]}' into '{args[1]}': {ex.GetType().Name}: {ex.Message}");
                return 1;
            }
        }

        private static void Publicize(string inputPath, string outputPath)
        {
            string fullInputPath = Path.GetFullPath(inputPath);
            string fullOutputPath = Path.GetFullPath(outputPath);
            string outputDirectory = Path.GetDirectoryName(fullOutputPath);
            Directory.CreateDirectory(outputDirectory);
            string tempPath = Path.Combine(outputDirectory, $".{Path.GetFileName(fullOutputPath)}.{Environment.ProcessId}.tmp");

            try
            {
                using (var resolver = new DefaultAssemblyResolver())
                {
                    resolver.AddSearchDirectory(Path.GetDirectoryName(fullInputPath));
                    var readerParameters = new ReaderParameters
                    {
                        AssemblyResolver = resolver,
                        InMemory = true,
                        ReadSymbols = false,
                    };

                    using (ModuleDefinition module = ModuleDefinition.ReadModule(fullInputPath, readerParameters))
                    {
                        foreach (TypeDefinition type in module.Types)
                            PublicizeType(type);

                        // The public key stays (it is part of the identity other assemblies reference), but the
                        // copy carries no valid signature, so it must not claim one.
                        module.Attributes &= ~ModuleAttributes.StrongNameSigned;
                        module.Write(tempPath, new WriterParameters { DeterministicMvid = true });
                    }
                }

                File.Move(tempPath, fullOutputPath, overwrite: true);
            }
            finally
            {
                if (File.Exists(tempPath))
                    File.Delete(tempPath);
            }
        }

        private static void PublicizeType(TypeDefinition type)
        {
            // <Module>, closures, state machines, <PrivateImplementationDetails>, and attributes the compiler
            // embeds (NullableAttribute, IsReadOnlyAttribute, ...) which would clash with other assemblies' copies.
            if (IsCompilerGenerated(type))
                return;

            if (type.IsNested)
                type.IsNestedPublic = true;
            else
                type.IsPublic = true;

            foreach (FieldDefinition field in type.Fields)
            {
                if (!IsCompilerGeneratedName(field.Name) && !IsEventBackingField(type, field))
                    field.IsPublic = true;
            }

            foreach (MethodDefinition method in type.Methods)
                PublicizeMethod(method);

            foreach (TypeDefinition nestedType in type.NestedTypes)
                PublicizeType(nestedType);
        }

        private static void PublicizeMethod(MethodDefinition method)
        {
            // Lambdas and local functions, static constructors.
            if (IsCompilerGeneratedName(method.Name) || (method.IsConstructor && method.IsStatic))
                return;

            if (!method.IsVirtual)
            {
                method.IsPublic = true;
                return;
            }

            // Explicit interface implementations: private, named after the interface, bound through MethodImpl.
            if (method.IsPrivate && method.HasOverrides && method.Name.IndexOf('.') >= 0)
                return;

            if (!method.IsPublic)
                method.IsFamily = true;
        }

        private static bool IsCompilerGenerated(TypeDefinition type)
        {
            if (IsCompilerGeneratedName(type.Name))
                return true;

            foreach (CustomAttribute attribute in type.CustomAttributes)
            {
                string name = attribute.AttributeType.FullName;
                if (name == "System.Runtime.CompilerServices.CompilerGeneratedAttribute" ||
                    name == "Microsoft.CodeAnalysis.EmbeddedAttribute")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsCompilerGeneratedName(string name) => name.IndexOf('<') >= 0;

        private static bool IsEventBackingField(TypeDefinition type, FieldDefinition field)
        {
            foreach (EventDefinition eventDefinition in type.Events)
            {
                if (eventDefinition.Name == field.Name)
                    return true;
            }

            return false;
        }
    }
}
