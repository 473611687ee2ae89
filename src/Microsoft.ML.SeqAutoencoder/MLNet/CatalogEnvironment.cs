using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The <see cref="IHostEnvironment"/> behind the <see cref="MLContext"/> catalogs that this library extends,
    /// from which its estimators and trainers create their hosts.
    /// </summary>
    /// <remarks>
    /// Wraps the internal <see cref="CatalogUtils.GetEnvironment"/>; see <c>build/Publicize.targets</c>.
    /// </remarks>
    internal static class CatalogEnvironment
    {
        /// <summary>
        /// Gets the environment of <c>mlContext.Transforms</c>.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <returns>The environment of the <see cref="MLContext"/> that owns <paramref name="catalog"/>.</returns>
        internal static IHostEnvironment GetEnvironment(TransformsCatalog catalog)
            => CatalogUtils.GetEnvironment(catalog);

        /// <summary>
        /// Gets the environment of a trainers catalog, such as <c>mlContext.AnomalyDetection.Trainers</c> or
        /// <c>mlContext.MulticlassClassification.Trainers</c>.
        /// </summary>
        /// <param name="catalog">The trainers catalog.</param>
        /// <returns>The environment of the <see cref="MLContext"/> that owns <paramref name="catalog"/>.</returns>
        internal static IHostEnvironment GetEnvironment(TrainCatalogBase.CatalogInstantiatorBase catalog)
            => CatalogUtils.GetEnvironment(catalog);

        /// <summary>Gets the environment of a task catalog, such as <c>mlContext.AnomalyDetection</c>.</summary>
        /// <param name="catalog">The task catalog.</param>
        /// <returns>The environment of the <see cref="MLContext"/> that owns <paramref name="catalog"/>.</returns>
        internal static IHostEnvironment GetEnvironment(TrainCatalogBase catalog)
            => catalog.Environment;
    }
}
